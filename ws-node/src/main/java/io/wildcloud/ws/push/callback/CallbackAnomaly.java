package io.wildcloud.ws.push.callback;

import java.util.Locale;

/**
 * An application's answer the node cut short or did not follow; each is one {@code kind} tag of
 * {@code ws.callback.anomalies}, so an operator sees which tenant misbehaves and how.
 */
public enum CallbackAnomaly {
    /** The body ran past the bound ({@code callback-max-response-bytes}): read that far, connection closed. */
    BODY_TOO_LARGE,
    /** The status line or headers ran past the client's bound (8 KiB). */
    HEAD_TOO_LARGE,
    /** No complete answer within {@code callback-timeout}: it hung, or trickled. Retried. */
    TIMEOUT,
    /** A 3xx: redirects are never followed (the target could be anywhere); counted as rejected. */
    REDIRECT;

    /** The metrics tag, e.g. {@code body_too_large}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.wildcloud.ws.sockjs;

import java.util.Objects;

/**
 * What a peer of the SockJS endpoints may do, for all endpoints of a node: which browser origins
 * they serve, and how many websocket control frames (ping, pong, close) a connection may send.
 *
 * @param maxControlFramesPerSecond the sustained rate of control frames a websocket may send; it
 *     may also send this many at once (the burst). Beyond that it is closed with 1008 (policy
 *     violation): a ping flood would otherwise make the node write one pong per ping
 * @param allowedOrigins browser origins that may use the endpoints; others get 403
 */
public record PeerPolicy(int maxControlFramesPerSecond, AllowedOrigins allowedOrigins) {

    public static final int DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND = 50;

    public PeerPolicy {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        if (maxControlFramesPerSecond < 1) {
            throw new IllegalArgumentException("maxControlFramesPerSecond must be at least 1: " + maxControlFramesPerSecond);
        }
    }

    /** 50 control frames a second, any origin. */
    public static PeerPolicy defaults() {
        return new PeerPolicy(DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND, AllowedOrigins.any());
    }
}

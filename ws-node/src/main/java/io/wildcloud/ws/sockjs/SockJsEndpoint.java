package io.wildcloud.ws.sockjs;

import java.util.Objects;

/**
 * A SockJS service mounted under one URL prefix: {@code /<prefix>/info}, {@code /<prefix>/<server>/<session>/xhr}...
 *
 * @param scope names the service's sessions in the store (the prefix, or a socket id)
 * @param acceptsNewSessions false for an endpoint that is gone (e.g. a revoked socket) but whose
 *        closed sessions may still be in the store: the SockJS layer then answers 404, as for an
 *        unknown prefix, to everything except a receiving HTTP request of an existing session,
 *        which gets that session's close frame (so a client between two polls learns why it ended)
 * @param liveCheckedAtClaim true for an endpoint resolved without a look-up ({@link
 *        SockJsEndpointResolver#resolveForUpgrade}): whether it lives is not known, and a new session's
 *        claim asks the store to create it only in a live scope ({@code Creation.CREATE_ONLY_IN_LIVE_SCOPE})
 */
public record SockJsEndpoint(String scope, SockJsOptions options, SockJsService service, boolean acceptsNewSessions,
        boolean liveCheckedAtClaim) {

    public SockJsEndpoint {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(service, "service");
        if (liveCheckedAtClaim && !acceptsNewSessions) {
            throw new IllegalArgumentException("an endpoint whose claim checks that it lives must accept new sessions");
        }
    }

    /** An endpoint whose liveness its resolver knows. */
    public SockJsEndpoint(String scope, SockJsOptions options, SockJsService service, boolean acceptsNewSessions) {
        this(scope, options, service, acceptsNewSessions, false);
    }

    /** An endpoint that accepts new sessions. */
    public SockJsEndpoint(String scope, SockJsOptions options, SockJsService service) {
        this(scope, options, service, true);
    }
}

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
 */
public record SockJsEndpoint(String scope, SockJsOptions options, SockJsService service, boolean acceptsNewSessions) {

    public SockJsEndpoint {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(service, "service");
    }

    /** An endpoint that accepts new sessions. */
    public SockJsEndpoint(String scope, SockJsOptions options, SockJsService service) {
        this(scope, options, service, true);
    }
}

package io.wildcloud.ws.sockjs;

import java.util.Objects;

/**
 * A SockJS service mounted under one URL prefix: {@code /<prefix>/info}, {@code /<prefix>/<server>/<session>/xhr}...
 *
 * @param scope names the service's sessions in the store (the prefix, or a socket id)
 */
public record SockJsEndpoint(String scope, SockJsOptions options, SockJsService service) {

    public SockJsEndpoint {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(service, "service");
    }
}

package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.SockJsOptions;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves SockJS at {@code /<socket_id>}: the first path segment is looked up as a live socket
 * ({@link SocketStore#find}, which costs no write). A segment that cannot be a socket id, or an
 * unknown, revoked or expired socket, resolves to nothing, which the SockJS layer answers with 404.
 */
public final class SocketEndpointResolver implements SockJsEndpointResolver {

    private static final CompletionStage<Optional<SockJsEndpoint>> NONE =
            CompletableFuture.completedFuture(Optional.empty());

    private final SocketStore sockets;
    private final SockJsOptions options;
    private final PushService service;

    public SocketEndpointResolver(SocketStore sockets, SockJsOptions options, PushService service) {
        this.sockets = sockets;
        this.options = options;
        this.service = service;
    }

    @Override
    public CompletionStage<Optional<SockJsEndpoint>> resolve(String prefix) {
        if (!SocketIds.isWellFormed(prefix)) {
            return NONE;
        }
        return sockets.find(prefix).thenApply(found -> found.map(socket -> new SockJsEndpoint(prefix, options, service)));
    }
}

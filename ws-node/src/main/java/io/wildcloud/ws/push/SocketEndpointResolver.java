package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.SockJsOptions;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves SockJS at {@code /<socket_id>}: the first path segment is looked up as a live socket
 * ({@link SocketStore#presence}: one read, no write). A segment that cannot be a socket id resolves
 * to nothing, which the SockJS layer answers with 404. An unknown, revoked or expired socket
 * resolves to an endpoint that accepts no new sessions: the SockJS layer answers 404 to all of it
 * except a poll or stream of a session still in the store, which gets its close frame.
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
        return sockets.presence(prefix, null).thenApply(presence -> Optional.of(
                new SockJsEndpoint(prefix, options, service, presence == SocketPresence.LIVE)));
    }

    /**
     * One read ({@link SocketStore#presence}): neither socket nor session is 404 at once, with no
     * claim after it. A socket that is gone but whose session is still in the store resolves to an
     * endpoint that takes no new sessions: a client between two polls of a session the revocation
     * closed must get that session's close frame (4001) from the store, not a 404 (seen as 1006).
     */
    @Override
    public CompletionStage<Optional<SockJsEndpoint>> resolveForSession(String prefix, String sessionId) {
        if (!SocketIds.isWellFormed(prefix)) {
            return NONE;
        }
        return sockets.presence(prefix, sessionId).thenApply(presence -> presence == SocketPresence.UNKNOWN
                ? Optional.empty()
                : Optional.of(new SockJsEndpoint(prefix, options, service, presence == SocketPresence.LIVE)));
    }

    /** No look-up: the page is the same for every socket, and every transport it leads to checks the socket. */
    @Override
    public CompletionStage<Optional<SockJsEndpoint>> resolveForPage(String prefix) {
        return resolveForUpgrade(prefix);
    }

    /**
     * No look-up: the new session's claim checks that the socket lives, in the same store call
     * ({@code Creation.CREATE_ONLY_IN_LIVE_SCOPE}; on Redis claim_open.lua, which joins the socket's
     * index too), and a gone socket's websocket is answered 404 before the 101 as it was after a
     * look-up. One store trip before the open frame instead of two in a row.
     */
    @Override
    public CompletionStage<Optional<SockJsEndpoint>> resolveForUpgrade(String prefix) {
        return SocketIds.isWellFormed(prefix)
                ? CompletableFuture.completedFuture(Optional.of(new SockJsEndpoint(prefix, options, service, true, true)))
                : NONE;
    }

    /**
     * No look-up: a send's one store call ({@link PushService#onSend}, {@link SocketStore#use})
     * reads the session and its socket together, and drops the messages of a gone socket's session
     * (closing it with 4004) as a websocket's would be.
     */
    @Override
    public CompletionStage<Optional<SockJsEndpoint>> resolveForSend(String prefix) {
        return SocketIds.isWellFormed(prefix)
                ? CompletableFuture.completedFuture(Optional.of(new SockJsEndpoint(prefix, options, service, false)))
                : NONE;
    }
}

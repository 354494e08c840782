package io.wildcloud.ws.engine;

import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.SessionStore;

/**
 * Where a node keeps what must outlive a request: SockJS sessions and push sockets. The memory
 * engine serves one node; the Redis engine lets any node of a cluster serve any request.
 */
public interface Engine extends AutoCloseable {

    /** {@code memory} or {@code redis}, for health and metrics. */
    String name();

    SessionStore sessions();

    SocketStore sockets();

    /** {@code null} while the engine serves, otherwise what is wrong (Redis unreachable, subscriptions lost). */
    String problem();

    @Override
    void close();
}

package io.wildcloud.ws.engine;

import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The engine port: where a node keeps what must outlive a request, SockJS sessions and push
 * sockets. The memory engine serves one node; the Redis engine lets any node of a cluster serve
 * any request.
 *
 * <p>One object serves both layers above it, each through its own contract: the SockJS layer
 * sees it as a {@link SessionStore} (open, claim, release a session; enqueue, acknowledge, the
 * wake-ups its receivers get) and the push service as a {@link SocketStore} (sockets, their
 * session index, and {@link SocketStore#publish publish}, which queues into the same sessions in
 * one step). The layers stay apart (the SockJS layer knows nothing of sockets), yet the engine
 * is one port: a publish and an enqueue are operations of the same engine, not of two stores
 * reaching into each other.
 */
public interface Engine extends SessionStore, SocketStore, AutoCloseable {

    /** {@code memory} or {@code redis}, for health and metrics. */
    String name();

    /** {@code null} while the engine serves, otherwise what is wrong (Redis unreachable, subscriptions lost). */
    String problem();

    /**
     * Completes, with why, once another process took this node's place (a newer process under its
     * node id, on a shared store): this process must stop. Never, on an engine of its own.
     */
    default CompletionStage<String> superseded() {
        return new CompletableFuture<>();
    }

    /** Stops the engine's timers and connections; its stages still pending fail. */
    @Override
    void close();
}

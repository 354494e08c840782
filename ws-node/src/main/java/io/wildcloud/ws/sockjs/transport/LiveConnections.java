package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The receivers (held polls, streams) and websockets this node serves right now, so that a node
 * going away can hand every session on (see {@link #drain()}), and a service can tell which
 * sessions are open here ({@link #sessions()}). Thread-safe: connections come and
 * go on every event loop.
 */
public final class LiveConnections {

    /** A connection that can hand its session on to another node. */
    interface Drainable {
        /**
         * The node is going away: end this connection so that the client goes on elsewhere (a
         * request releases the slot and ends its response; a websocket closes with 1001). Called
         * from any thread; {@link #remove} follows once the connection is done.
         */
        void drain();

        /** The session this connection serves, or null while it has none yet. */
        SessionKey sessionKey();
    }

    private final Set<Drainable> live = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    /** A connection started; while draining it is told to go at once. */
    void add(Drainable connection) {
        live.add(connection);
        if (draining) {
            connection.drain();
        }
    }

    /** A connection is done (released, refused, closed); repeated calls are harmless. */
    void remove(Drainable connection) {
        if (live.remove(connection) && draining && live.isEmpty()) {
            drained.complete(null);
        }
    }

    /** How many connections are live. */
    public int size() {
        return live.size();
    }

    /**
     * The sessions that have a connection on this node now (a held poll, a stream, a websocket),
     * so that a service can close those whose scope went away (see {@code SocketExpiryWatch}).
     */
    public List<SessionKey> sessions() {
        List<SessionKey> keys = new ArrayList<>(live.size());
        for (Drainable connection : live) {
            SessionKey key = connection.sessionKey();
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    public boolean isDraining() {
        return draining;
    }

    /**
     * Tells every live connection, and every one that starts from now on, to hand its session on;
     * completes when none is left. The caller bounds the wait (drain-timeout).
     */
    public CompletionStage<Void> drain() {
        draining = true;
        for (Drainable connection : live) {
            connection.drain();
        }
        if (live.isEmpty()) {
            drained.complete(null);
        }
        return drained;
    }
}

package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.engine.Engine;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;

/** The embedded default: everything in this JVM, for one node with no Redis. */
public final class MemoryEngine implements Engine {

    private final MemorySessionStore sessions;
    private final MemorySocketStore sockets;

    public MemoryEngine(int maxQueuedMessages, Duration socketIdleTimeout) {
        this.sessions = new MemorySessionStore(maxQueuedMessages);
        this.sockets = new MemorySocketStore(sessions, socketIdleTimeout);
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public SocketStore sockets() {
        return sockets;
    }

    @Override
    public String problem() {
        return null;
    }

    @Override
    public void close() {
        sessions.close();
    }
}

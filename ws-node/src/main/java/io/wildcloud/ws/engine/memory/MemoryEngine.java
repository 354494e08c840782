package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.engine.AbstractEngine;
import java.time.Duration;

/** The embedded default: everything in this JVM, for one node with no Redis. */
public final class MemoryEngine extends AbstractEngine {

    private final MemorySessionStore sessions;

    public MemoryEngine(int maxQueuedMessages, Duration socketIdleTimeout) {
        this(new MemorySessionStore(maxQueuedMessages), socketIdleTimeout);
    }

    private MemoryEngine(MemorySessionStore sessions, Duration socketIdleTimeout) {
        super(sessions, new MemorySocketStore(sessions, socketIdleTimeout));
        this.sessions = sessions;
    }

    @Override
    public String name() {
        return "memory";
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

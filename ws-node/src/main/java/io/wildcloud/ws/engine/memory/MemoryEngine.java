package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.engine.AbstractEngine;
import io.wildcloud.ws.push.NewSocketQuota;
import java.time.Duration;

/** The embedded default: everything in this JVM, for one node with no Redis. */
public final class MemoryEngine extends AbstractEngine {

    private final MemorySessionStore sessions;

    public MemoryEngine(int maxQueuedMessages, Duration socketIdleTimeout) {
        this(maxQueuedMessages, NewSocketQuota.defaultFor(socketIdleTimeout));
    }

    /** @param quota new sockets per application, over windows of the socket idle timeout */
    public MemoryEngine(int maxQueuedMessages, NewSocketQuota quota) {
        this(new MemorySessionStore(maxQueuedMessages), quota);
    }

    /** With a bound of a queue's bytes too ({@code max-queued-bytes}). */
    public MemoryEngine(int maxQueuedMessages, int maxQueuedBytes, NewSocketQuota quota) {
        this(new MemorySessionStore(maxQueuedMessages, maxQueuedBytes), quota);
    }

    private MemoryEngine(MemorySessionStore sessions, NewSocketQuota quota) {
        super(sessions, new MemorySocketStore(sessions, quota.window(), quota));
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

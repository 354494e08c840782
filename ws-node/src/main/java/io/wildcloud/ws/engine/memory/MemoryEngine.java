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

    /**
     * With a bound of all applications' new sockets' charged bytes per window too
     * ({@code max-new-socket-bytes-per-node}; else an eighth of the heap).
     */
    public MemoryEngine(int maxQueuedMessages, int maxQueuedBytes, NewSocketQuota quota, long maxNewSocketBytesPerNode) {
        this(new MemorySessionStore(maxQueuedMessages, maxQueuedBytes), quota, maxNewSocketBytesPerNode);
    }

    private MemoryEngine(MemorySessionStore sessions, NewSocketQuota quota) {
        this(sessions, quota, NewSocketQuota.defaultMemoryMaxNewBytesPerNode());
    }

    private MemoryEngine(MemorySessionStore sessions, NewSocketQuota quota, long maxNewSocketBytesPerNode) {
        super(sessions, new MemorySocketStore(sessions, quota.window(), quota, maxNewSocketBytesPerNode));
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

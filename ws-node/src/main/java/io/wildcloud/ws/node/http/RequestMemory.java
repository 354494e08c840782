package io.wildcloud.ws.node.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget of bytes for request bodies in progress, shared by the connections of one port: a body
 * reserves its bytes as they arrive and gives them back when it is handed on or cut. A request that
 * finds the budget spent is refused (503) instead of taking memory the node does not have.
 */
public final class RequestMemory {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public RequestMemory(long limit) {
        this.limit = limit;
    }

    /** Reserves {@code bytes}; {@code false} (nothing reserved) when that would pass the limit. */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Whether no body could reserve even one byte now. */
    public boolean isSpent() {
        return used.get() >= limit;
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}

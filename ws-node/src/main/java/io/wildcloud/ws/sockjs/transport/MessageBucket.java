package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.sockjs.ClientMessageLimit;

/**
 * One session's token bucket of client messages (see {@link ClientMessageLimit}). Synchronized: an
 * {@code xhr_send} bucket is shared by the node's event loops.
 */
final class MessageBucket {

    private final ClientMessageLimit limit;
    private double tokens;
    private long refilledAtNanos;

    MessageBucket(ClientMessageLimit limit, long nowNanos) {
        this.limit = limit;
        this.tokens = limit.burst();
        this.refilledAtNanos = nowNanos;
    }

    /** Takes {@code count} messages if the bucket holds that many; else takes none. */
    synchronized boolean tryTake(int count, long nowNanos) {
        refill(nowNanos);
        if (count > tokens) {
            return false;
        }
        tokens -= count;
        return true;
    }

    /** A full bucket is as good as none: the node may forget it. */
    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= limit.burst();
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - refilledAtNanos;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed * (limit.perSecond() / 1e9));
            refilledAtNanos = nowNanos;
        }
    }
}

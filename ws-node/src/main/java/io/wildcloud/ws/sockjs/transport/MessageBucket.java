package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.KeyedBuckets;

/**
 * One session's token bucket of client messages and their bytes (see {@link ClientMessageLimit}):
 * two dimensions that refill together. Synchronized: an {@code xhr_send} bucket is shared by the
 * node's event loops.
 */
final class MessageBucket implements KeyedBuckets.Bucket {

    private final ClientMessageLimit limit;
    private double messages;
    private double bytes;
    private long refilledAtNanos;

    MessageBucket(ClientMessageLimit limit, long nowNanos) {
        this.limit = limit;
        this.messages = limit.burst();
        this.bytes = limit.byteBurst();
        this.refilledAtNanos = nowNanos;
    }

    /**
     * Takes a frame of {@code count} messages in {@code frameBytes} if the bucket holds both; else
     * takes nothing and answers which it lacked (messages first).
     *
     * @return {@code null} if taken
     */
    synchronized ClientMessageLimit.Exceeded tryTake(int count, int frameBytes, long nowNanos) {
        refill(nowNanos);
        if (count > messages) {
            return ClientMessageLimit.Exceeded.MESSAGES;
        }
        if (frameBytes > bytes) {
            return ClientMessageLimit.Exceeded.BYTES;
        }
        messages -= count;
        bytes -= frameBytes;
        return null;
    }

    @Override
    public synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return messages >= limit.burst() && bytes >= limit.byteBurst();
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - refilledAtNanos;
        if (elapsed > 0) {
            messages = Math.min(limit.burst(), messages + elapsed * (limit.perSecond() / 1e9));
            bytes = Math.min(limit.byteBurst(), bytes + elapsed * (limit.bytesPerSecond() / 1e9));
            refilledAtNanos = nowNanos;
        }
    }
}

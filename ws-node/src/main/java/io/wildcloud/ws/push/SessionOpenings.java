package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.KeyedBuckets;

/**
 * How fast one socket may open new sessions on this node: a token bucket per socket of
 * {@link PushLimits#newSessionsPerSecond()} that holds {@link PushLimits#newSessionBurst()}. Each
 * session starts with full buckets of client messages and bytes, and opening one writes to the
 * store: without this a client kept opening sessions of its socket, each a fresh budget (110 in
 * 3 s carried 8.8 MB/s of callbacks to the application from one socket).
 *
 * <p>Per node, as the message buckets of {@code xhr_send}s: with round robin a socket's opens
 * spread over the nodes. Bounded to {@link #MAX_SOCKETS} buckets (~100 B each), as
 * {@link KeyedBuckets} keeps them.
 */
final class SessionOpenings {

    static final int MAX_SOCKETS = 65_536;

    private final int perSecond;
    private final int burst;
    private final KeyedBuckets<String, Bucket> buckets = new KeyedBuckets<>(MAX_SOCKETS);

    SessionOpenings(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one opening from {@code socketId}'s bucket; false if it has none left now. */
    boolean tryOpen(String socketId) {
        return tryOpen(socketId, System.nanoTime());
    }

    /** As {@link #tryOpen(String)} at {@code nowNanos} ({@link System#nanoTime()}; tests). */
    boolean tryOpen(String socketId, long nowNanos) {
        return buckets.of(socketId, nowNanos, made -> new Bucket(burst, made)).take(nowNanos);
    }

    /**
     * Whether {@code socketId} has an opening left now, without taking it: a check before the
     * store creates a session, which makes no bucket (an unknown socket id must not fill the map).
     */
    boolean mayOpen(String socketId) {
        return mayOpen(socketId, System.nanoTime());
    }

    /** As {@link #mayOpen(String)} at {@code nowNanos} ({@link System#nanoTime()}; tests). */
    boolean mayOpen(String socketId, long nowNanos) {
        Bucket bucket = buckets.existing(socketId);
        return bucket == null || bucket.hasOne(nowNanos);
    }

    int size() {
        return buckets.size();
    }

    private final class Bucket implements KeyedBuckets.Bucket {
        private double openings;
        private long refilledAtNanos;

        Bucket(double openings, long nowNanos) {
            this.openings = openings;
            this.refilledAtNanos = nowNanos;
        }

        synchronized boolean take(long nowNanos) {
            refill(nowNanos);
            if (openings < 1) {
                return false;
            }
            openings--;
            return true;
        }

        synchronized boolean hasOne(long nowNanos) {
            refill(nowNanos);
            return openings >= 1;
        }

        @Override
        public synchronized boolean isFull(long nowNanos) {
            refill(nowNanos);
            return openings >= burst;
        }

        private void refill(long nowNanos) {
            long elapsed = nowNanos - refilledAtNanos;
            if (elapsed > 0) {
                openings = Math.min(burst, openings + elapsed * (perSecond / 1e9));
                refilledAtNanos = nowNanos;
            }
        }
    }
}

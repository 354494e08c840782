package io.wildcloud.ws.push;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How fast one socket may open new sessions on this node: a token bucket per socket of
 * {@link PushLimits#newSessionsPerSecond()} that holds {@link PushLimits#newSessionBurst()}. Each
 * session starts with full buckets of client messages and bytes, and opening one writes to the
 * store: without this a client kept opening sessions of its socket, each a fresh budget (110 in
 * 3 s carried 8.8 MB/s of callbacks to the application from one socket).
 *
 * <p>Per node, as the message buckets of {@code xhr_send}s: with round robin a socket's opens
 * spread over the nodes. Bounded to {@link #MAX_SOCKETS} buckets (~100 B each); at the bound full
 * ones are forgotten (a full bucket is the same as none), then arbitrary ones, which loosens the
 * rate only.
 */
final class SessionOpenings {

    static final int MAX_SOCKETS = 65_536;

    private final int perSecond;
    private final int burst;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    SessionOpenings(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one opening from {@code socketId}'s bucket; false if it has none left now. */
    boolean tryOpen(String socketId) {
        long now = System.nanoTime();
        if (buckets.size() >= MAX_SOCKETS && !buckets.containsKey(socketId)) {
            makeRoom(now);
        }
        return buckets.computeIfAbsent(socketId, id -> new Bucket(burst, now)).take(now);
    }

    int size() {
        return buckets.size();
    }

    private void makeRoom(long now) {
        buckets.values().removeIf(bucket -> bucket.isFull(now));
        Iterator<Bucket> any = buckets.values().iterator();
        while (buckets.size() >= MAX_SOCKETS - MAX_SOCKETS / 16 && any.hasNext()) {
            any.next();
            any.remove();
        }
    }

    private final class Bucket {
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

        synchronized boolean isFull(long nowNanos) {
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

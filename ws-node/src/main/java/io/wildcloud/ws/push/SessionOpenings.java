package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.KeyedBuckets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How fast one socket may open new sessions on this node: a token bucket per socket of
 * {@link PushLimits#newSessionsPerSecond()} that holds {@link PushLimits#newSessionBurst()}. Each
 * session starts with full buckets of client messages and bytes, and opening one writes to the
 * store: without this a client kept opening sessions of its socket, each a fresh budget (110 in
 * 3 s carried 8.8 MB/s of callbacks to the application from one socket).
 *
 * <p>A websocket's session is checked before the store creates it ({@link #reserve}): the opening
 * is set aside then, so that websockets arriving together within one claim's round trip count
 * against the burst too, not only the openings of sessions created already. It is taken when the
 * session is created ({@link #tryOpen}, which takes a socket's set-aside opening first) or given
 * back ({@link #giveBack}). Set-aside openings are counted apart from the buckets, per socket and
 * only while their claims are on their way (at most the burst per socket): an unknown socket id,
 * whose claim creates nothing, makes no bucket.
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
    /** Openings set aside per socket for sessions on their way to the store; no entry for none. */
    private final ConcurrentMap<String, Integer> reserved = new ConcurrentHashMap<>();

    SessionOpenings(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /**
     * Takes one opening from {@code socketId}'s bucket for a session the store created: one set
     * aside for the socket if any (whichever of its sessions it was set aside for: they count
     * alike), else a free one; false if it has none left now.
     */
    boolean tryOpen(String socketId) {
        return tryOpen(socketId, System.nanoTime());
    }

    /** As {@link #tryOpen(String)} at {@code nowNanos} ({@link System#nanoTime()}; tests). */
    boolean tryOpen(String socketId, long nowNanos) {
        boolean[] opened = {false};
        reserved.compute(socketId, (socket, held) -> {
            Bucket bucket = buckets.of(socket, nowNanos, made -> new Bucket(burst, made));
            if (held != null) {
                bucket.takeSetAside(nowNanos);
                opened[0] = true;
                return held == 1 ? null : held - 1;
            }
            opened[0] = bucket.take(nowNanos);
            return null;
        });
        return opened[0];
    }

    /**
     * Sets an opening of {@code socketId} aside for a session about to be created, if it has one
     * free now (not set aside already); false if not. Makes no bucket (a socket without one has a
     * full one): {@link #tryOpen} takes it once the session is created, {@link #giveBack} returns it
     * if it is not.
     */
    boolean reserve(String socketId) {
        return reserve(socketId, System.nanoTime());
    }

    /** As {@link #reserve(String)} at {@code nowNanos} ({@link System#nanoTime()}; tests). */
    boolean reserve(String socketId, long nowNanos) {
        boolean[] taken = {false};
        reserved.compute(socketId, (socket, held) -> {
            int setAside = held == null ? 0 : held;
            Bucket bucket = buckets.existing(socket);
            double free = (bucket == null ? burst : bucket.openings(nowNanos)) - setAside;
            if (free < 1) {
                return held;
            }
            taken[0] = true;
            return setAside + 1;
        });
        return taken[0];
    }

    /** The session an opening of {@code socketId} was {@linkplain #reserve set aside} for was not created. */
    void giveBack(String socketId) {
        reserved.computeIfPresent(socketId, (socket, held) -> held == 1 ? null : held - 1);
    }

    int size() {
        return buckets.size();
    }

    /** Sockets with openings set aside now. */
    int reservedSockets() {
        return reserved.size();
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

        /** Takes an opening {@link #reserve} set aside: it was there then, and only this takes it. */
        synchronized void takeSetAside(long nowNanos) {
            refill(nowNanos);
            openings = Math.max(0, openings - 1);
        }

        synchronized double openings(long nowNanos) {
            refill(nowNanos);
            return openings;
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

package io.wildcloud.ws.engine.redis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When this node last had publish.lua check a socket's TTL, so that publishes in between skip the
 * check: one Redis call less per message. A check leaves the socket at least the idle timeout plus
 * half the renewal slack to live (publish.lua renews below that), and checks skip for at most half
 * the slack after it, so a socket still outlives its last use by the idle timeout. Nodes keep their
 * own record; none depends on another's.
 */
final class RenewalChecks {

    /**
     * Past this many sockets the record drops the entries too old to skip a check anyway, and
     * starts over if that frees nothing (every socket is then checked once more).
     */
    static final int MAX_SOCKETS = 65_536;

    private final ConcurrentHashMap<String, Long> checkedAt = new ConcurrentHashMap<>();
    private final long intervalNanos;
    private final LongSupplier nanoClock;

    /** @param renewalSlackMillis how far above the idle timeout a renewal sets the TTL */
    RenewalChecks(long renewalSlackMillis, LongSupplier nanoClock) {
        this.intervalNanos = renewalSlackMillis * 1_000_000L / 2;
        this.nanoClock = nanoClock;
    }

    /** Whether a publish to {@code socketId} starting at {@code nowNanos} must check (and maybe renew) its TTL. */
    boolean due(String socketId, long nowNanos) {
        Long last = checkedAt.get(socketId);
        return last == null || nowNanos - last >= intervalNanos;
    }

    /** A publish that started at {@code startedNanos} checked the socket's TTL and found it. */
    void checked(String socketId, long startedNanos) {
        if (checkedAt.size() >= MAX_SOCKETS) {
            long now = nanoClock.getAsLong();
            checkedAt.values().removeIf(at -> now - at >= intervalNanos);
            if (checkedAt.size() >= MAX_SOCKETS) {
                checkedAt.clear();
            }
        }
        checkedAt.put(socketId, startedNanos);
    }

    /** The socket is gone (no socket, or revoked): its next use checks again. */
    void forget(String socketId) {
        checkedAt.remove(socketId);
    }

    long now() {
        return nanoClock.getAsLong();
    }
}

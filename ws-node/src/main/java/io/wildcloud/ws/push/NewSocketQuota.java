package io.wildcloud.ws.push;

import io.wildcloud.ws.common.sockjs.Utf8;
import java.net.URI;
import java.time.Duration;

/**
 * How many new sockets (clients authorized for the first time, or again after theirs expired or
 * was revoked) one application may create in each window of the socket idle timeout, counted in
 * the store every node shares. A socket lives until it is unused for the idle timeout, so an
 * application's sockets created and never used number at most twice the quota at any time: the
 * store's memory for one application is bounded, whatever it sends (one client id per request
 * made a new socket, and a tenant could fill the store every other tenant needs). Windows are
 * fixed (multiples of the window since the epoch), read from each node's own clock.
 *
 * <p>Sockets differ in size (a client id of up to 256 characters, a callback URL of up to 2,048),
 * so the count alone let one application make the store hold ~6 GB on Redis (2,000,000 sockets of
 * ~3.2 KB) or a memory-engine node's whole heap. Each new socket is therefore also charged
 * {@link #chargedBytes} against a bytes budget per window, an upper bound on what the socket holds on
 * either engine: the application's never-used sockets hold at most twice that budget.
 *
 * @param maxNewPerApplication new sockets one application may create per window
 * @param window the socket idle timeout
 * @param maxNewBytesPerApplication the {@link #chargedBytes} of the sockets one application may
 *     create per window
 */
public record NewSocketQuota(long maxNewPerApplication, Duration window, long maxNewBytesPerApplication) {

    public static final long DEFAULT_MAX_NEW_PER_APPLICATION = 1_000_000;
    /** The Redis engine's default bytes budget per application and window: 1 GiB. */
    public static final long DEFAULT_REDIS_MAX_NEW_BYTES_PER_APPLICATION = 1L << 30;
    /**
     * What a socket costs besides its strings, ~700 bytes on either engine: its hash, client key and
     * their TTLs on Redis (3,261 bytes measured a socket with a 256-character id and a 2,040-character
     * callback), its entry, record, map nodes and URI on the memory engine (5,039 bytes of heap).
     */
    public static final int FIXED_SOCKET_BYTES = 1024;

    public NewSocketQuota {
        if (maxNewPerApplication < 1) {
            throw new IllegalArgumentException("maxNewPerApplication must be at least 1: " + maxNewPerApplication);
        }
        if (maxNewBytesPerApplication < 1) {
            throw new IllegalArgumentException("maxNewBytesPerApplication must be at least 1: "
                    + maxNewBytesPerApplication);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /** A count quota with the memory engine's default bytes budget ({@link #defaultMemoryMaxNewBytes}). */
    public NewSocketQuota(long maxNewPerApplication, Duration window) {
        this(maxNewPerApplication, window, defaultMemoryMaxNewBytes());
    }

    /** The memory engine's default quota over windows of {@code socketIdleTimeout}. */
    public static NewSocketQuota defaultFor(Duration socketIdleTimeout) {
        return new NewSocketQuota(DEFAULT_MAX_NEW_PER_APPLICATION, socketIdleTimeout);
    }

    /**
     * The memory engine's default bytes budget: a sixteenth of the JVM's max heap, at most 1 GiB, so
     * one application's never-used sockets (two windows' worth) hold at most an eighth of the heap.
     */
    public static long defaultMemoryMaxNewBytes() {
        return Math.max(1, Math.min(Runtime.getRuntime().maxMemory() / 16, 1L << 30));
    }

    /**
     * The memory engine's default bound of the bytes all applications' new sockets may be charged per
     * window on one node ({@code max-new-socket-bytes-per-node}): an eighth of the JVM's max heap, so
     * never-used sockets (two windows' worth) hold at most a quarter of it, however many applications
     * each take their own budget.
     */
    public static long defaultMemoryMaxNewBytesPerNode() {
        return Math.max(1, Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * What a new socket is charged: {@link #FIXED_SOCKET_BYTES} plus twice the UTF-8 bytes of its
     * client id and callback (Redis holds the client id twice, in the socket and the client key; the
     * memory engine's URI keeps its text and its parsed parts). At the largest (256-character id,
     * 2,040-character callback) 5,616 bytes, above the 3,261 bytes of Redis and 5,039 of heap measured.
     */
    public static long chargedBytes(String clientId, URI callback) {
        return FIXED_SOCKET_BYTES + 2L * (Utf8.length(clientId) + Utf8.length(callback.toString()));
    }

    /** How long until the window after the one {@code epochMillis} falls in (a refusal's Retry-After). */
    private Duration endsIn(long epochMillis) {
        return Duration.ofMillis((windowAt(epochMillis) + 1) * window.toMillis() - epochMillis);
    }

    /** The window {@code epochMillis} falls in. */
    public long windowAt(long epochMillis) {
        return epochMillis / window.toMillis();
    }

    /** The refusal of one more new socket for {@code application} at {@code epochMillis}. */
    public SocketQuotaExceededException exceeded(String application, long epochMillis) {
        return new SocketQuotaExceededException("application " + application + " has created its "
                + maxNewPerApplication + " new sockets of this " + SocketQuotaExceededException.describe(window)
                + " window (max-new-sockets-per-application)", endsIn(epochMillis));
    }

    /**
     * The refusal of a new socket, or of a socket's longer callback, whose {@code chargedBytes} would
     * pass {@code application}'s bytes budget at {@code epochMillis}.
     */
    public SocketQuotaExceededException bytesExceeded(String application, long chargedBytes, long epochMillis) {
        return new SocketQuotaExceededException("application " + application + "'s new sockets of this "
                + SocketQuotaExceededException.describe(window) + " window would pass their "
                + maxNewBytesPerApplication + " bytes (max-new-socket-bytes-per-application) with this one's "
                + chargedBytes + " (a new socket counts 1024 plus twice the UTF-8 bytes of its client id and"
                + " callback URL, a longer callback twice its growth)",
                endsIn(epochMillis));
    }

    /**
     * The refusal of a new socket, or of a socket's longer callback, whose {@code chargedBytes} would
     * pass the node's bytes bound of all applications' new sockets ({@code maxNewBytesPerNode}, the
     * memory engine's {@code max-new-socket-bytes-per-node}) at {@code epochMillis}.
     */
    public SocketQuotaExceededException nodeBytesExceeded(long maxNewBytesPerNode, long chargedBytes,
            long epochMillis) {
        return new SocketQuotaExceededException("node's new sockets of this "
                + SocketQuotaExceededException.describe(window) + " window, of all applications, would pass their "
                + maxNewBytesPerNode + " bytes (max-new-socket-bytes-per-node) with this one's " + chargedBytes
                + " (a new socket counts 1024 plus twice the UTF-8 bytes of its client id and callback URL, a"
                + " longer callback twice its growth)", endsIn(epochMillis));
    }
}

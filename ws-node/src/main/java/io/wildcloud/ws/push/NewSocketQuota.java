package io.wildcloud.ws.push;

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
 * @param maxNewPerApplication new sockets one application may create per window
 * @param window the socket idle timeout
 */
public record NewSocketQuota(long maxNewPerApplication, Duration window) {

    public static final long DEFAULT_MAX_NEW_PER_APPLICATION = 1_000_000;

    public NewSocketQuota {
        if (maxNewPerApplication < 1) {
            throw new IllegalArgumentException("maxNewPerApplication must be at least 1: " + maxNewPerApplication);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /** The default quota over windows of {@code socketIdleTimeout}. */
    public static NewSocketQuota defaultFor(Duration socketIdleTimeout) {
        return new NewSocketQuota(DEFAULT_MAX_NEW_PER_APPLICATION, socketIdleTimeout);
    }

    /** The window {@code epochMillis} falls in. */
    public long windowAt(long epochMillis) {
        return epochMillis / window.toMillis();
    }

    /** The refusal of one more new socket for {@code application} at {@code epochMillis}. */
    public SocketQuotaExceededException exceeded(String application, long epochMillis) {
        long endsIn = (windowAt(epochMillis) + 1) * window.toMillis() - epochMillis;
        return new SocketQuotaExceededException(application, maxNewPerApplication, window, Duration.ofMillis(endsIn));
    }
}

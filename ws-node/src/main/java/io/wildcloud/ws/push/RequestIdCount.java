package io.wildcloud.ws.push;

import java.time.Duration;

/**
 * What {@link SocketStore#countRequestIds} answered: whether the request ids were counted in their
 * application's window, which window (to give back the ones that were not remembered after all),
 * and when the next window starts (a refusal's Retry-After). Windows are fixed: multiples of
 * {@link SocketStore#REQUEST_ID_WINDOW} since the epoch, read from the store's clock. A request id is
 * remembered for one window's length from its publish, so an application whose count per window is
 * bounded by {@code max} has at most twice {@code max} remembered at any time.
 *
 * @param window the window counted in ({@link #windowAt})
 * @param counted false when counting them would pass the bound: nothing was counted
 * @param windowEndsIn how long until the next window
 */
public record RequestIdCount(long window, boolean counted, Duration windowEndsIn) {

    private static final long WINDOW_MILLIS = SocketStore.REQUEST_ID_WINDOW.toMillis();

    /** The window {@code epochMillis} falls in. */
    public static long windowAt(long epochMillis) {
        return epochMillis / WINDOW_MILLIS;
    }

    /** The answer at {@code epochMillis}. */
    public static RequestIdCount at(long epochMillis, boolean counted) {
        long window = windowAt(epochMillis);
        return new RequestIdCount(window, counted, Duration.ofMillis((window + 1) * WINDOW_MILLIS - epochMillis));
    }
}

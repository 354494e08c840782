package io.wildcloud.ws.push;

import java.time.Duration;

/** An authorize that would create a socket over its application's {@link NewSocketQuota}: nothing was created. */
public final class SocketQuotaExceededException extends RuntimeException {

    private final Duration windowEndsIn;

    SocketQuotaExceededException(String application, long limit, Duration window, Duration windowEndsIn) {
        super("application " + application + " has created its " + limit + " new sockets of this "
                + describe(window) + " window (max-new-sockets-per-application); the next starts in "
                + describe(windowEndsIn));
        this.windowEndsIn = windowEndsIn;
    }

    private static String describe(Duration duration) {
        long seconds = Math.max(1, duration.toSeconds());
        return seconds % 3600 == 0 ? seconds / 3600 + " h" : seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** When new sockets may be created again. */
    public Duration windowEndsIn() {
        return windowEndsIn;
    }
}

package io.wildcloud.ws.push;

import java.time.Duration;

/** An authorize that would create a socket over its application's {@link NewSocketQuota} (its count or its bytes): nothing was created. */
public final class SocketQuotaExceededException extends RuntimeException {

    private final Duration windowEndsIn;

    SocketQuotaExceededException(String reason, Duration windowEndsIn) {
        super(reason + "; the next starts in " + describe(windowEndsIn));
        this.windowEndsIn = windowEndsIn;
    }

    static String describe(Duration duration) {
        long seconds = Math.max(1, duration.toSeconds());
        return seconds % 3600 == 0 ? seconds / 3600 + " h" : seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** When new sockets may be created again. */
    public Duration windowEndsIn() {
        return windowEndsIn;
    }
}

package io.wildcloud.ws.push;

import java.time.Duration;

/**
 * A publish carrying a request id that is no repeat, while its application may remember no more
 * request ids in this window ({@link SocketStore#countRequestIds}): nothing was published.
 */
public final class RequestIdQuotaExceededException extends RuntimeException {

    private final Duration windowEndsIn;

    public RequestIdQuotaExceededException(String application, long limit, Duration windowEndsIn) {
        super((application.isEmpty() ? "the publishes without a bearer token" : "application " + application)
                + " made the service remember " + limit + " request ids in this 5-minute window"
                + " (max-request-ids-per-application); the next starts in " + Math.max(1, windowEndsIn.toSeconds())
                + " s", null, false, false);
        this.windowEndsIn = windowEndsIn;
    }

    /** When new request ids are remembered again: a refusal's Retry-After. */
    public Duration windowEndsIn() {
        return windowEndsIn;
    }
}

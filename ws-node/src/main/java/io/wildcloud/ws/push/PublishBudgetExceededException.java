package io.wildcloud.ws.push;

import java.time.Duration;

/** A publish refused because its application is in debt with its {@link PublishBudget}: nothing was published. */
public final class PublishBudgetExceededException extends RuntimeException {

    private final Duration retryAfter;

    PublishBudgetExceededException(String application, long bytesPerSecond, long burst, Duration retryAfter) {
        super((application.isEmpty() ? "Publishes without a bearer token (they share one budget, whichever"
                + " application sends them: send Authorization: Bearer <your application's secret> for a budget of"
                + " its own) have"
                : "Application " + application + " has") + " queued more than its budget on this node allows: at most "
                + bytesPerSecond + " bytes a second, " + burst + " at once (a message's UTF-8 bytes times the"
                + " sessions that take it; max-application-publish-bytes-per-second, application-publish-byte-burst)",
                null, false, false);
        this.retryAfter = retryAfter;
    }

    /** When the application is out of debt, if nothing else is published meanwhile. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

package io.wildcloud.ws.common.client;

import java.time.Duration;
import java.util.Optional;

/**
 * 429 other than {@link QueueFullException}: the application went over one of its budgets
 * ({@code too_many_publish_bytes}: the bytes its publishes queue on a node; {@code
 * too_many_sockets}: the sockets it may create in a window). Nothing was done; try again after
 * {@link #retryAfter()}.
 */
public class TooManyRequestsException extends PushApiException {

    private final Duration retryAfter;

    public TooManyRequestsException(int status, String error, String apiMessage, Duration retryAfter) {
        super(status, error, apiMessage);
        this.retryAfter = retryAfter;
    }

    /** The answer's {@code Retry-After}, when it had one in seconds. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

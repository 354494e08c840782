package io.wildcloud.ws.push.callback;

import java.time.Duration;

/**
 * Hears what the {@link CallbackDispatcher} does, for metrics (latency timers, outcome counters
 * tagged by application). Called on the HTTP client's threads: must be quick and must not block.
 */
public interface CallbackObserver {

    /** Observes nothing. */
    CallbackObserver NONE = new CallbackObserver() {
    };

    /**
     * One HTTP attempt ended after {@code took}: {@code status} is the answer's status, or -1 for a
     * network error or a timeout.
     */
    default void attemptEnded(String application, Duration took, int status) {
    }

    /** An authorize was refused: its callback's address is not allowed ({@link CallbackAddresses}). */
    default void refusedAtAuthorize(String application, CallbackRefusal refusal) {
    }

    /** A message was not sent: its callback's address is not allowed ({@link CallbackAddresses}). */
    default void refused(String application, CallbackRefusal refusal) {
    }

    /** An answer went out of bounds or was not followed ({@link CallbackAnomaly}). */
    default void anomaly(String application, CallbackAnomaly anomaly) {
    }

    /** A message was given up after its retry budget ran out. */
    default void givenUp(String application) {
    }
}

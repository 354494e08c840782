package io.wildcloud.ws.loadgen;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The waits of a client that retries, as sockjs-client's: doubling from {@code first} up to
 * {@code max}, and reset by a success. Thread-safe.
 */
final class Backoff {

    private final long firstMillis;
    private final long maxMillis;
    private int failures;

    Backoff(long firstMillis, long maxMillis) {
        this.firstMillis = firstMillis;
        this.maxMillis = maxMillis;
    }

    /** Failures in a row so far. */
    synchronized int failures() {
        return failures;
    }

    synchronized void succeeded() {
        failures = 0;
    }

    /** Counts a failure and runs {@code retry} after the wait it earns. */
    synchronized void failedThen(Runnable retry) {
        long wait = Math.min(maxMillis, firstMillis << Math.min(20, failures));
        failures++;
        CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS).execute(retry);
    }
}

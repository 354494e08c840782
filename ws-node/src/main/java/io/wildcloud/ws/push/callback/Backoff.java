package io.wildcloud.ws.push.callback;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: before retry {@code n} (1 for the first retry) the ceiling is
 * {@code initial * 2^(n-1)}, capped at {@code max}, and the wait is random in [ceiling/2, ceiling].
 * Half the ceiling is kept as a floor so that a retry never comes right after a failure.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;

    Backoff(CallbackPolicy policy) {
        this.initialNanos = policy.initialBackoff().toNanos();
        this.maxNanos = policy.maxBackoff().toNanos();
    }

    long delayNanos(int retry) {
        long ceiling = initialNanos;
        for (int i = 1; i < retry && ceiling < maxNanos; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxNanos);
        long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }
}

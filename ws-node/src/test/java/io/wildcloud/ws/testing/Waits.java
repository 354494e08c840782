package io.wildcloud.ws.testing;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one place tests wait (ws-node's and, through its test jar, ws-it's): bounded, on a condition,
 * never for a guessed time. Every wait ends, in a result or a failure that says what was awaited.
 */
public final class Waits {

    private Waits() {
    }

    /** The stage's result, or an assertion failure if it failed or took longer than {@code within}. */
    public static <T> T join(CompletionStage<T> stage, Duration within) {
        try {
            return stage.toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("store call failed or timed out", e);
        }
    }

    /**
     * Polls {@code condition} until it holds; fails naming {@code what} after {@code within}. The
     * first checks come quickly (5 ms apart), later ones at most 50 ms apart, so that a condition
     * that costs a request (an HTTP probe) is not asked a hundred times a second.
     */
    public static void await(BooleanSupplier condition, String what, Duration within) {
        await(condition, () -> what, within);
    }

    /** {@link #await(BooleanSupplier, String, Duration)}, with what was awaited (and seen) told when it fails. */
    public static void await(BooleanSupplier condition, Supplier<String> what, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        long pause = 5;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what.get());
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what.get(), e);
            }
            pause = Math.min(50, pause * 2);
        }
    }
}

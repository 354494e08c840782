package io.wildcloud.ws.testing;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits for tests of asynchronous stores: every wait ends, in a result or a failure. */
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

    /** Polls {@code condition} every 10 ms until it holds; fails naming {@code what} after {@code within}. */
    public static void await(BooleanSupplier condition, String what, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

package io.wildcloud.ws.engine.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lets a store hand commands to Redisson until it closes, and lets the close wait for the ones
 * being handed over at that moment. Redisson encodes a command's arguments before it notices that
 * it is shutting down, and then never releases them: a command must reach it wholly before its
 * shutdown begins, or not at all. Any thread may hand over (timers, event loops, Redis answers).
 */
final class CommandGate {

    private final BooleanSupplier clientUsable;
    private final StoreWatch watch;
    private final AtomicInteger handingOver = new AtomicInteger();
    private volatile boolean closed;

    /** @param clientUsable whether the Redis client still takes commands (not shut down or shutting down) */
    CommandGate(BooleanSupplier clientUsable) {
        this(clientUsable, new StoreWatch());
    }

    /** @param watch told of every command handed over and of its end (for the health check) */
    CommandGate(BooleanSupplier clientUsable, StoreWatch watch) {
        this.clientUsable = clientUsable;
        this.watch = watch;
    }

    /** Whether commands are still handed over. */
    boolean open() {
        return !closed && clientUsable.getAsBoolean();
    }

    /**
     * Runs {@code handOver}, which gives Redisson one or more commands, unless the gate is closed
     * or the client shut down; then the answer fails at once and Redisson never sees the command.
     */
    <T> CompletionStage<T> handOver(Supplier<? extends CompletionStage<T>> handOver) {
        return handOver(handOver, true);
    }

    /**
     * As {@link #handOver(Supplier)}; {@code watched} false keeps the command out of the
     * {@link StoreWatch}: a (un)subscription waits in Redisson behind its per-channel lock and
     * other subscriptions, not only for Redis, so its wait says nothing of whether Redis answers.
     */
    <T> CompletionStage<T> handOver(Supplier<? extends CompletionStage<T>> handOver, boolean watched) {
        // Counted before the check: close() raises the flag first and then waits for the count, so
        // either this sees the flag or close sees this hand-over and waits for it.
        handingOver.incrementAndGet();
        try {
            if (!open()) {
                return CompletableFuture.failedFuture(new IllegalStateException("the Redis client is shut down"));
            }
            if (!watched) {
                return handOver.get();
            }
            long started = watch.started();
            CompletionStage<T> answer;
            try {
                answer = handOver.get();
            } catch (RuntimeException e) {
                watch.ended(started, e);
                throw e;
            }
            answer.whenComplete((result, error) -> watch.ended(started, error));
            return answer;
        } finally {
            handingOver.decrementAndGet();
        }
    }

    /** Hands nothing more over, and waits up to {@code wait} for hand-overs under way (microseconds each). */
    void close(Duration wait) {
        closed = true;
        long deadline = System.nanoTime() + wait.toNanos();
        while (handingOver.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}

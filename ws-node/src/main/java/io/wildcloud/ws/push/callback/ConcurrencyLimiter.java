package io.wildcloud.ws.push.callback;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A semaphore that never blocks: {@link #acquire} answers a stage that completes when a permit is
 * free, first come first served. Callers must {@link #release} exactly once per acquired permit.
 */
final class ConcurrencyLimiter {

    private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private final int permits;
    private int available;

    ConcurrencyLimiter(int permits) {
        this.permits = permits;
        this.available = permits;
    }

    /** Whether no permit is taken and no one waits: a limiter kept per key may then be forgotten. */
    synchronized boolean idle() {
        return available == permits && waiting.isEmpty();
    }

    CompletionStage<Void> acquire() {
        synchronized (this) {
            if (available > 0) {
                available--;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> turn = new CompletableFuture<>();
            waiting.add(turn);
            return turn;
        }
    }

    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                available++;
                return;
            }
        }
        // Completed outside the lock: the waiter's continuation runs here.
        next.complete(null);
    }
}

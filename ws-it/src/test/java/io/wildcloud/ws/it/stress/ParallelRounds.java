package io.wildcloud.ws.it.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a stress test's rounds a few at a time within a time budget, and fails if any round lost or
 * repeated a message, or if too few rounds ran for the result to mean anything.
 */
final class ParallelRounds {

    /** One round: what went wrong, or null. */
    interface Round {
        String run(int round) throws Exception;
    }

    private ParallelRounds() {
    }

    /** {@code count} rounds, at least {@code minimum} of which must run within {@code budget}. */
    static void run(Object transport, int count, int minimum, int parallel, Duration budget, Round round) throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        long deadline = System.nanoTime() + budget.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> rounds = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                rounds.add(pool.submit(() -> {
                    if (System.nanoTime() > deadline) {
                        return; // out of time: the count below says how far it got
                    }
                    try {
                        String failure = round.run(index);
                        if (failure != null) {
                            failures.add("round " + index + ": " + failure);
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add("round " + index + ": " + e);
                    }
                    done.incrementAndGet();
                }));
            }
            for (Future<?> future : rounds) {
                future.get(budget.toSeconds() + 30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + done.get() + " rounds over " + transport
                + " lost or repeated a message; first ones: " + failures.stream().limit(5).toList());
        assertTrue(done.get() >= minimum, "only " + done.get() + " rounds ran within " + budget);
    }
}

package io.wildcloud.ws.push.callback;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the {@link CallbackDispatcher}, cheap to update from any thread; the metrics layer
 * reads them (as counters and gauges) without knowing the dispatcher.
 */
public final class CallbackStats {

    private final LongAdder accepted = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder givenUp = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final LongAdder backlogRefused = new LongAdder();
    private final AtomicLong backlogBytes = new AtomicLong();

    /** A snapshot of every counter. */
    public record Snapshot(long accepted, long attempts, long retries, long delivered, long rejected,
            long givenUp, long inFlight, long pending) {
    }

    public Snapshot snapshot() {
        return new Snapshot(accepted.sum(), attempts.sum(), retries.sum(), delivered.sum(), rejected.sum(),
                givenUp.sum(), inFlight.get(), pending.get());
    }

    /** Messages handed to the dispatcher. */
    public long accepted() {
        return accepted.sum();
    }

    /** HTTP requests started, first tries and retries. */
    public long attempts() {
        return attempts.sum();
    }

    /** Requests that were retries of an earlier failed one. */
    public long retries() {
        return retries.sum();
    }

    /** Messages the application answered with a 2xx. */
    public long delivered() {
        return delivered.sum();
    }

    /** Messages the application refused with a non-retryable status (3xx, 4xx): not retried. */
    public long rejected() {
        return rejected.sum();
    }

    /** Messages dropped because their retry budget ran out (or the dispatcher closed). */
    public long givenUp() {
        return givenUp.sum();
    }

    /** Messages not sent because their callback's address is not allowed: never retried. */
    public long refused() {
        return refused.sum();
    }

    /** Requests on the wire now. */
    public long inFlight() {
        return inFlight.get();
    }

    /** Messages accepted and not yet settled (delivered, rejected, refused or given up). */
    public long pending() {
        return pending.get();
    }

    /** Client messages refused whole, never accepted: their application's or the node's backlog was full. */
    public long backlogRefused() {
        return backlogRefused.sum();
    }

    /** Bytes of messages accepted and not yet settled, as {@link CallbackBacklog} counts them. */
    public long backlogBytes() {
        return backlogBytes.get();
    }

    void onBacklogRefused(int messages) {
        backlogRefused.add(messages);
    }

    void onBacklog(long bytes) {
        backlogBytes.addAndGet(bytes);
    }

    void onAccepted(int messages) {
        accepted.add(messages);
        pending.addAndGet(messages);
    }

    void onAttempt(boolean retry) {
        attempts.increment();
        if (retry) {
            retries.increment();
        }
        inFlight.incrementAndGet();
    }

    void onAttemptEnded() {
        inFlight.decrementAndGet();
    }

    void onDelivered() {
        delivered.increment();
        pending.decrementAndGet();
    }

    void onRejected() {
        rejected.increment();
        pending.decrementAndGet();
    }

    void onRefused() {
        refused.increment();
        pending.decrementAndGet();
    }

    void onGivenUp() {
        givenUp.increment();
        pending.decrementAndGet();
    }
}

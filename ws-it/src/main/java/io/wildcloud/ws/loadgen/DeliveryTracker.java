package io.wildcloud.ws.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Checks what each session receives against what was published to it. Messages carry
 * {@code <seq>:<publishNanos>}; seqs start at 1 per session. A seq above the next expected one
 * counts the skipped ones as reordered-or-lost until they arrive; at the end, whatever never
 * arrived of what the API accepted is lost.
 */
public final class DeliveryTracker {

    private final AtomicLongArray highestSeen;
    private final AtomicLongArray receivedCount;
    private final AtomicLongArray acceptedCount;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder reordered = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram total = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final java.util.BitSet[] seen;

    public DeliveryTracker(int sessions) {
        highestSeen = new AtomicLongArray(sessions);
        receivedCount = new AtomicLongArray(sessions);
        acceptedCount = new AtomicLongArray(sessions);
        seen = new java.util.BitSet[sessions];
        for (int i = 0; i < sessions; i++) {
            seen[i] = new java.util.BitSet();
        }
    }

    /** Encodes what the publisher sends for one message. */
    public static String payload(long seq, long publishNanos) {
        return seq + ":" + publishNanos;
    }

    /** The API accepted message {@code seq} for {@code session}. */
    public void accepted(int session) {
        acceptedCount.incrementAndGet(session);
    }

    /** Session {@code session} received {@code message}. */
    public void received(int session, String message) {
        long now = System.nanoTime();
        int colon = message.indexOf(':');
        if (colon < 1) {
            malformed.increment();
            return;
        }
        long seq;
        long sentNanos;
        try {
            seq = Long.parseLong(message, 0, colon, 10);
            sentNanos = Long.parseLong(message, colon + 1, message.length(), 10);
        } catch (NumberFormatException e) {
            malformed.increment();
            return;
        }
        java.util.BitSet bits = seen[session];
        synchronized (bits) {
            if (bits.get((int) seq)) {
                duplicated.increment();
                return;
            }
            bits.set((int) seq);
            if (seq < highestSeen.get(session)) {
                reordered.increment();
            } else {
                highestSeen.set(session, seq);
            }
        }
        receivedCount.incrementAndGet(session);
        delivered.increment();
        latency.recordValue(Math.max(0, now - sentNanos));
    }

    public long delivered() {
        return delivered.sum();
    }

    public long duplicated() {
        return duplicated.sum();
    }

    public long reordered() {
        return reordered.sum();
    }

    public long malformed() {
        return malformed.sum();
    }

    /** Accepted by the API but not (yet) received. */
    public long missing() {
        long missing = 0;
        for (int i = 0; i < acceptedCount.length(); i++) {
            missing += Math.max(0, acceptedCount.get(i) - receivedCount.get(i));
        }
        return missing;
    }

    /** Latencies recorded since the previous call, folded into the run's total as well. */
    public synchronized Histogram intervalLatency() {
        Histogram interval = latency.getIntervalHistogram();
        total.add(interval);
        return interval;
    }

    /** Every latency of the run (call {@link #intervalLatency} once more first). */
    public synchronized Histogram totalLatency() {
        total.add(latency.getIntervalHistogram());
        return total.copy();
    }
}

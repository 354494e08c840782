package io.wildcloud.ws.loadgen;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Checks what each session receives against what was published to it. Messages carry
 * {@code <seq>:<publishNanos>}; seqs start at 1 per session and run on across the warm-up into the
 * measured phase, so duplicates and reorderings across the boundary are still seen. Each message
 * counts towards the phase its seq was published in, whenever it arrives. A seq below the highest
 * one seen counts as reordered; at the end, whatever never arrived of what the API accepted is lost.
 */
public final class DeliveryTracker {

    private final AtomicLongArray highestSeen;
    private final BitSet[] seen;
    private final LongAdder malformed = new LongAdder();
    /** Per session, the last seq of the warm-up: higher seqs belong to the measured phase. */
    private final AtomicLongArray lastWarmupSeq;
    private final Phase warmup;
    private final Phase measured;

    /** @param warmingUp whether the first messages are a warm-up, until {@link #startMeasuring} */
    public DeliveryTracker(int sessions, boolean warmingUp) {
        highestSeen = new AtomicLongArray(sessions);
        seen = new BitSet[sessions];
        lastWarmupSeq = new AtomicLongArray(sessions);
        for (int i = 0; i < sessions; i++) {
            seen[i] = new BitSet();
            lastWarmupSeq.set(i, warmingUp ? Long.MAX_VALUE : 0);
        }
        warmup = new Phase(sessions);
        measured = new Phase(sessions);
    }

    /** Encodes what the publisher sends for one message. */
    public static String payload(long seq, long publishNanos) {
        return seq + ":" + publishNanos;
    }

    /** Seqs above {@code lastWarmupSeqs[session]} are measured from now on. */
    public void startMeasuring(long[] lastWarmupSeqs) {
        for (int i = 0; i < lastWarmupSeqs.length; i++) {
            lastWarmupSeq.set(i, lastWarmupSeqs[i]);
        }
    }

    public Phase warmup() {
        return warmup;
    }

    public Phase measured() {
        return measured;
    }

    private Phase phaseOf(int session, long seq) {
        return seq > lastWarmupSeq.get(session) ? measured : warmup;
    }

    /** The API accepted message {@code seq} for {@code session}. */
    public void accepted(int session, long seq) {
        phaseOf(session, seq).accepted.incrementAndGet(session);
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
        if (seq < 1 || seq > Integer.MAX_VALUE) {
            malformed.increment();
            return;
        }
        Phase phase = phaseOf(session, seq);
        BitSet bits = seen[session];
        synchronized (bits) {
            if (bits.get((int) seq)) {
                phase.duplicated.increment();
                return;
            }
            bits.set((int) seq);
            if (seq < highestSeen.get(session)) {
                phase.reordered.increment();
            } else {
                highestSeen.set(session, seq);
            }
        }
        phase.received.incrementAndGet(session);
        phase.delivered.increment();
        phase.latency.recordValue(Math.min(Math.max(0, now - sentNanos), Phase.MAX_LATENCY_NANOS));
    }

    public long malformed() {
        return malformed.sum();
    }

    /** The figures of the messages published in one phase. */
    public static final class Phase {

        private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

        private final AtomicLongArray received;
        private final AtomicLongArray accepted;
        private final LongAdder delivered = new LongAdder();
        private final LongAdder duplicated = new LongAdder();
        private final LongAdder reordered = new LongAdder();
        private final Recorder latency = new Recorder(MAX_LATENCY_NANOS, 3);
        private final Histogram total = new Histogram(MAX_LATENCY_NANOS, 3);

        private Phase(int sessions) {
            received = new AtomicLongArray(sessions);
            accepted = new AtomicLongArray(sessions);
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

        /** Accepted by the API but not (yet) received. */
        public long missing() {
            long missing = 0;
            for (int i = 0; i < accepted.length(); i++) {
                missing += Math.max(0, accepted.get(i) - received.get(i));
            }
            return missing;
        }

        /** Latencies recorded since the previous call, folded into the phase's total as well. */
        public synchronized Histogram intervalLatency() {
            Histogram interval = latency.getIntervalHistogram();
            total.add(interval);
            return interval;
        }

        /** Every latency of the phase. */
        public synchronized Histogram totalLatency() {
            total.add(latency.getIntervalHistogram());
            return total.copy();
        }
    }
}

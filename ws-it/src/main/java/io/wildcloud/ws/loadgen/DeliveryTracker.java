package io.wildcloud.ws.loadgen;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 *
 * <p>A slot's session may end under a fault and be reopened ({@link SessionSlot}): each message is
 * tagged, when it is sent, with the incarnation of the slot's session that was open then (none while
 * it reopens). A lost message whose incarnation later ended was lost with a session the fault
 * closed; one whose incarnation is still open was lost in a session that stayed open, which is what
 * the service promises never happens.
 */
public final class DeliveryTracker {

    private final AtomicLongArray highestSeen;
    private final BitSet[] seen;
    private final LongAdder malformed = new LongAdder();
    /** Per session, the last seq of the warm-up: higher seqs belong to the measured phase. */
    private final AtomicLongArray lastWarmupSeq;
    private final Phase warmup;
    private final Phase measured;
    private final String[] transports;
    private final BitSet[] acceptedSeqs;
    /** Per session, per seq sent: the incarnation open when it was sent, or -1 if none was. */
    private final int[][] tags;
    private final AtomicIntegerArray incarnation;
    private final AtomicIntegerArray open;
    private final AtomicIntegerArray ended;
    private final AtomicLongArray duplicates;

    /** @param warmingUp whether the first messages are a warm-up, until {@link #startMeasuring} */
    public DeliveryTracker(int sessions, boolean warmingUp) {
        this(sessions, warmingUp, null);
    }

    /** @param transports the transport of each session, for figures per transport (null: one group) */
    public DeliveryTracker(int sessions, boolean warmingUp, List<String> transports) {
        this.transports = new String[sessions];
        for (int i = 0; i < sessions; i++) {
            this.transports[i] = transports == null ? "all" : transports.get(i);
        }
        acceptedSeqs = new BitSet[sessions];
        tags = new int[sessions][];
        incarnation = new AtomicIntegerArray(sessions);
        open = new AtomicIntegerArray(sessions);
        ended = new AtomicIntegerArray(sessions);
        duplicates = new AtomicLongArray(sessions);
        for (int i = 0; i < sessions; i++) {
            acceptedSeqs[i] = new BitSet();
            tags[i] = new int[16];
            // Without a slot telling it otherwise, a session counts as open from the start.
            open.set(i, 1);
        }
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

    /**
     * {@link #payload(long, long)} padded with {@code :} and {@code x}s to {@code bytes} (ASCII, so
     * bytes are characters; nothing to escape in JSON), or unpadded when it is that long already.
     */
    public static String payload(long seq, long publishNanos, int bytes) {
        String plain = payload(seq, publishNanos);
        if (plain.length() + 1 >= bytes) {
            return plain;
        }
        StringBuilder padded = new StringBuilder(bytes).append(plain).append(':');
        padded.append(PADDING, 0, bytes - padded.length());
        return padded.toString();
    }

    private static final String PADDING = "x".repeat(4096);

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
        BitSet accepted = acceptedSeqs[session];
        synchronized (accepted) {
            accepted.set((int) seq);
        }
    }

    /** Message {@code seq} is being sent to {@code session}'s socket now: tags it with the open incarnation. */
    public void sent(int session, long seq) {
        int tag = open.get(session) == 1 ? incarnation.get(session) : -1;
        synchronized (tags) {
            int[] sessionTags = tags[session];
            if (seq >= sessionTags.length) {
                sessionTags = Arrays.copyOf(sessionTags, Math.max((int) seq + 1, sessionTags.length * 2));
                tags[session] = sessionTags;
            }
            sessionTags[(int) seq] = tag;
        }
    }

    /** {@code session}'s slot has an open session (again). */
    public void sessionOpened(int session) {
        open.set(session, 1);
    }

    /** {@code session}'s current session ended (a close frame or a failure); its slot may reopen. */
    public void sessionEnded(int session, String why) {
        open.set(session, 0);
        incarnation.incrementAndGet(session);
        ended.incrementAndGet(session);
    }

    /** Figures of one phase's messages per transport: how the lost ones split, and the rest. */
    public Map<String, TransportFigures> byTransport(Phase phase) {
        Map<String, TransportFigures> figures = new TreeMap<>();
        for (int i = 0; i < transports.length; i++) {
            long lostClosed = 0;
            long lostOpen = 0;
            BitSet missing;
            synchronized (acceptedSeqs[i]) {
                missing = (BitSet) acceptedSeqs[i].clone();
            }
            synchronized (seen[i]) {
                missing.andNot(seen[i]);
            }
            int finalIncarnation = incarnation.get(i);
            boolean stillOpen = open.get(i) == 1;
            for (int seq = missing.nextSetBit(0); seq >= 0; seq = missing.nextSetBit(seq + 1)) {
                if (phaseOf(i, seq) != phase) {
                    continue;
                }
                int tag;
                synchronized (tags) {
                    tag = seq < tags[i].length ? tags[i][seq] : -1;
                }
                if (tag == finalIncarnation && stillOpen) {
                    lostOpen++;
                } else {
                    lostClosed++;
                }
            }
            TransportFigures previous = figures.getOrDefault(transports[i], TransportFigures.NONE);
            figures.put(transports[i], new TransportFigures(previous.sessions() + 1,
                    previous.reopened() + ended.get(i), previous.lostInClosedSessions() + lostClosed,
                    previous.lostInOpenSessions() + lostOpen, previous.duplicated() + duplicates.get(i)));
        }
        return figures;
    }

    /**
     * One transport's figures: its sessions (slots), how often one ended and was reopened, messages
     * lost with a session the fault closed, lost in a session that stayed open, and repeated.
     */
    public record TransportFigures(int sessions, long reopened, long lostInClosedSessions, long lostInOpenSessions,
            long duplicated) {
        static final TransportFigures NONE = new TransportFigures(0, 0, 0, 0, 0);
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
            int padding = message.indexOf(':', colon + 1);
            sentNanos = Long.parseLong(message, colon + 1, padding < 0 ? message.length() : padding, 10);
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
                duplicates.incrementAndGet(session);
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

package io.wildcloud.ws.loadgen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>For each lost message {@link #lostMessages} says when it was published (since
 * {@link #publishingStarted}), and which node served the session's requests around it
 * ({@link ServingTrail}), so that a loss can be laid beside the fault that caused it.
 */
public final class DeliveryTracker {

    private final AtomicLongArray highestSeen;
    private final BitSet[] seen;
    private final LongAdder malformed = new LongAdder();
    private final LongAdder closedByClient = new LongAdder();
    /** Per session, the last seq of the warm-up: higher seqs belong to the measured phase. */
    private final AtomicLongArray lastWarmupSeq;
    private final Phase warmup;
    private final Phase measured;
    private final String[] transports;
    private final BitSet[] acceptedSeqs;
    /** Per session, per seq sent: the incarnation open when it was sent, or -1 if none was. */
    private final int[][] tags;
    /** Per session, per seq sent: when it was sent (System.nanoTime); guarded like {@link #tags}. */
    private final long[][] sentNanos;
    private final ServingTrail trail;
    /** (session << 32 | seq) of the messages the API queued for no session: rare, so a set. */
    private final Set<Long> queuedNowhere = ConcurrentHashMap.newKeySet();
    /** The first {@link LoadResult#LOST_LISTED} repeats: session, seq, when (System.nanoTime). */
    private final List<long[]> repeats = new ArrayList<>();
    /** When the measured publishing began: lost messages are timed from here. */
    private volatile long origin = System.nanoTime();
    private final AtomicIntegerArray incarnation;
    private final AtomicIntegerArray open;
    private final AtomicIntegerArray ended;
    private final AtomicLongArray duplicates;
    /** Per session, its polls and streams answered with anything but 200 (or not at all). */
    private final AtomicLongArray failedRequests;
    /** The first {@link LoadResult#LOST_LISTED} sessions that ended, in the order they ended. */
    private final List<EndedSession> endings = new ArrayList<>();

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
        sentNanos = new long[sessions][];
        trail = new ServingTrail(sessions);
        incarnation = new AtomicIntegerArray(sessions);
        open = new AtomicIntegerArray(sessions);
        ended = new AtomicIntegerArray(sessions);
        duplicates = new AtomicLongArray(sessions);
        failedRequests = new AtomicLongArray(sessions);
        for (int i = 0; i < sessions; i++) {
            acceptedSeqs[i] = new BitSet();
            tags[i] = new int[16];
            sentNanos[i] = new long[16];
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

    /**
     * The API accepted message {@code seq} for {@code session} but queued it for no session (its
     * answer's {@code sessions} was 0): if it is lost, it was never in a session's queue.
     */
    public void queuedForNoSession(int session, long seq) {
        queuedNowhere.add(((long) session << 32) | seq);
    }

    /** Message {@code seq} is being sent to {@code session}'s socket now: tags it with the open incarnation. */
    public void sent(int session, long seq) {
        int tag = open.get(session) == 1 ? incarnation.get(session) : -1;
        long now = System.nanoTime();
        synchronized (tags) {
            int[] sessionTags = tags[session];
            if (seq >= sessionTags.length) {
                int length = Math.max((int) seq + 1, sessionTags.length * 2);
                sessionTags = Arrays.copyOf(sessionTags, length);
                tags[session] = sessionTags;
                sentNanos[session] = Arrays.copyOf(sentNanos[session], length);
            }
            sessionTags[(int) seq] = tag;
            sentNanos[session][(int) seq] = now;
        }
    }

    /** The measured publishing begins now: lost messages are timed from here. */
    public void publishingStarted() {
        origin = System.nanoTime();
    }

    /** A request of {@code session} ended: served by {@code node} ({@code ?} if unknown), with {@code outcome}. */
    public void served(int session, String node, String outcome) {
        trail.served(session, node, outcome);
        if (!outcome.startsWith("200")) {
            failedRequests.incrementAndGet(session);
        }
    }

    /** {@code session}'s slot has an open session (again). */
    public void sessionOpened(int session) {
        open.set(session, 1);
    }

    /** {@code session}'s current session ended (a close frame or a failure); its slot may reopen. */
    public void sessionEnded(int session, String why) {
        long now = System.nanoTime();
        open.set(session, 0);
        incarnation.incrementAndGet(session);
        ended.incrementAndGet(session);
        List<String> lastServed = trail.lastBefore(session, now + 1, 3).stream().map(this::describe).toList();
        synchronized (endings) {
            if (endings.size() < LoadResult.LOST_LISTED) {
                endings.add(new EndedSession(session, transports[session], (now - origin) / 1e9, why, lastServed));
            }
        }
    }

    /**
     * {@code session}'s current session was closed by its own client ({@code --churn}); its slot opens
     * a new one at once. Counted apart from the ends a fault made, and not listed among them.
     */
    public void sessionClosedByClient(int session) {
        open.set(session, 0);
        incarnation.incrementAndGet(session);
        closedByClient.increment();
    }

    /** Sessions their clients closed ({@code --churn}), each followed by a new one. */
    public long closedByClient() {
        return closedByClient.sum();
    }

    /** The sessions that ended (at most {@link LoadResult#LOST_LISTED}), in the order they ended. */
    public List<EndedSession> endedSessions() {
        synchronized (endings) {
            return List.copyOf(endings);
        }
    }

    /** Figures of one phase's messages per transport: how the lost ones split, and the rest. */
    public Map<String, TransportFigures> byTransport(Phase phase) {
        Map<String, TransportFigures> figures = new TreeMap<>();
        for (int i = 0; i < transports.length; i++) {
            long[] lost = new long[2]; // in closed sessions, in open ones
            forEachLost(phase, i, (seq, inOpen) -> lost[inOpen ? 1 : 0]++);
            TransportFigures previous = figures.getOrDefault(transports[i], TransportFigures.NONE);
            figures.put(transports[i], new TransportFigures(previous.sessions() + 1,
                    previous.reopened() + ended.get(i), previous.lostInClosedSessions() + lost[0],
                    previous.lostInOpenSessions() + lost[1], previous.duplicated() + duplicates.get(i),
                    previous.failedRequests() + failedRequests.get(i)));
        }
        return figures;
    }

    /**
     * One phase's lost messages, those in sessions that stayed open first, at most {@code limit},
     * each with its publish time and the session's requests around it.
     */
    public List<LostMessage> lostMessages(Phase phase, int limit) {
        List<LostMessage> inOpen = new ArrayList<>();
        List<LostMessage> inClosed = new ArrayList<>();
        for (int i = 0; i < transports.length; i++) {
            int session = i;
            forEachLost(phase, i, (seq, open) -> {
                List<LostMessage> list = open ? inOpen : inClosed;
                if (list.size() < limit) {
                    list.add(lost(session, seq, open));
                }
            });
        }
        List<LostMessage> all = new ArrayList<>(inOpen);
        all.addAll(inClosed);
        return List.copyOf(all.subList(0, Math.min(all.size(), limit)));
    }

    /** The messages that arrived again (at most {@link LoadResult#LOST_LISTED}), in the order the repeats came. */
    public List<RepeatedMessage> repeatedMessages() {
        List<long[]> copy;
        synchronized (repeats) {
            copy = List.copyOf(repeats);
        }
        List<RepeatedMessage> listed = new ArrayList<>();
        for (long[] repeat : copy) {
            int session = (int) repeat[0];
            long sent = sentNanos(session, (int) repeat[1]);
            listed.add(new RepeatedMessage(session, transports[session], repeat[1], (sent - origin) / 1e9,
                    (repeat[2] - origin) / 1e9, describe(trail.lastBefore(session, repeat[2]))));
        }
        return listed;
    }

    private long sentNanos(int session, int seq) {
        synchronized (tags) {
            return seq < sentNanos[session].length ? sentNanos[session][seq] : 0;
        }
    }

    private LostMessage lost(int session, int seq, boolean inOpen) {
        long sent = sentNanos(session, seq);
        return new LostMessage(session, transports[session], seq, (sent - origin) / 1e9, inOpen,
                describe(trail.lastBefore(session, sent)), describe(trail.firstAfter(session, sent)),
                queuedNowhere.contains(((long) session << 32) | seq));
    }

    private String describe(ServingTrail.Served served) {
        return served == null ? null : String.format(Locale.ROOT, "%s %s at %.3fs", served.node(), served.outcome(),
                (served.nanos() - origin) / 1e9);
    }

    private interface LostVisitor {
        void lost(int seq, boolean inOpenSession);
    }

    // Every seq of the phase the API accepted for the session and it never received.
    private void forEachLost(Phase phase, int session, LostVisitor visitor) {
        BitSet missing;
        synchronized (acceptedSeqs[session]) {
            missing = (BitSet) acceptedSeqs[session].clone();
        }
        synchronized (seen[session]) {
            missing.andNot(seen[session]);
        }
        int finalIncarnation = incarnation.get(session);
        boolean stillOpen = open.get(session) == 1;
        for (int seq = missing.nextSetBit(0); seq >= 0; seq = missing.nextSetBit(seq + 1)) {
            if (phaseOf(session, seq) != phase) {
                continue;
            }
            int tag;
            synchronized (tags) {
                tag = seq < tags[session].length ? tags[session][seq] : -1;
            }
            visitor.lost(seq, tag == finalIncarnation && stillOpen);
        }
    }

    /**
     * One transport's figures: its sessions (slots), how often one ended and was reopened, messages
     * lost with a session the fault closed, lost in a session that stayed open, repeated, and the
     * polls and streams answered with anything but 200 (or not at all) and sent again: the load
     * generator retries those, sockjs-client would have closed its session at each.
     */
    public record TransportFigures(int sessions, long reopened, long lostInClosedSessions, long lostInOpenSessions,
            long duplicated, long failedRequests) {
        static final TransportFigures NONE = new TransportFigures(0, 0, 0, 0, 0, 0);
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
                synchronized (repeats) {
                    if (repeats.size() < LoadResult.LOST_LISTED) {
                        repeats.add(new long[] {session, seq, now});
                    }
                }
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

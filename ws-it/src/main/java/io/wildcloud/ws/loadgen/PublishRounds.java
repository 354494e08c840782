package io.wildcloud.ws.loadgen;

import io.netty.channel.EventLoop;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Publishes rounds of messages over the sessions, keeping each session's seqs running on. It
 * runs on one event loop, where the answers arrive too: each answer sends the next publish, so
 * no thread hands work to another, or wakes one, per message.
 */
final class PublishRounds {

    private final LoadOptions options;
    private final PrintStream progress;
    private final EventLoop loop;
    private final HttpPublisher publisher;
    private final List<String> sockets;
    private final DeliveryTracker tracker;
    // All below: on the loop only (the main thread reads seqs once a round is done).
    private final long[] seqs;
    // One publish in flight per session: two concurrent publishes to one session have no order
    // of their own, so a reordering counted must be the service's.
    private final boolean[] inFlight;
    private int cursor;
    private int outstanding;
    private boolean fillScheduled;
    private volatile Round current;

    PublishRounds(LoadOptions options, PrintStream progress, EventLoop loop, HttpPublisher publisher,
                  List<String> sockets, DeliveryTracker tracker) {
        this.options = options;
        this.progress = progress;
        this.loop = loop;
        this.publisher = publisher;
        this.sockets = sockets;
        this.tracker = tracker;
        this.seqs = new long[sockets.size()];
        this.inFlight = new boolean[sockets.size()];
    }

    /** Publishes up to {@code messages} within {@code maxNanos}, then waits (within the grace) for them to arrive. */
    Round round(String label, DeliveryTracker.Phase phase, long messages, long maxNanos) throws Exception {
        Round round = new Round(label, phase, messages, maxNanos);
        current = round;
        loop.execute(this::fill);
        round.answered.get();
        round.publishSeconds = (System.nanoTime() - round.startNanos) / 1e9;
        long graceEnd = System.nanoTime() + options.grace().toNanos();
        while (phase.missing() > 0 && System.nanoTime() < graceEnd) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        round.deliverySeconds = (System.nanoTime() - round.startNanos) / 1e9;
        if (round.firstError.get() != null) {
            progress.printf(Locale.ROOT, "%s: %d publishes failed, the first with %s%n",
                    label, round.errors.get(), round.firstError.get());
        }
        return round;
    }

    /** Sends what the window, the rate and the idle sessions allow; ends the round when all is answered. */
    private void fill() {
        Round round = current;
        long now = System.nanoTime();
        boolean open = round.sent < round.messages && now < round.deadline;
        while (open && outstanding < options.concurrency()) {
            if (options.rate() > 0) {
                long due = round.startNanos + (long) (round.sent * 1e9 / options.rate());
                if (due > now) {
                    scheduleFill(due - now);
                    break;
                }
            }
            if (options.batch() > 1) {
                if (!publishBatch(round)) {
                    break;
                }
                open = round.sent < round.messages && now < round.deadline;
                continue;
            }
            int session = nextIdleSession();
            if (session < 0) {
                break;
            }
            publish(round, session);
            open = round.sent < round.messages && now < round.deadline;
        }
        if (!open && outstanding == 0) {
            round.answered.complete(null);
        }
    }

    private void scheduleFill(long delayNanos) {
        if (!fillScheduled) {
            fillScheduled = true;
            loop.schedule(() -> {
                fillScheduled = false;
                fill();
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void publish(Round round, int session) {
        long seq = ++seqs[session];
        tracker.sent(session, seq);
        inFlight[session] = true;
        outstanding++;
        round.sent++;
        HttpPublisher.Publish request = publisher.publish(sockets.get(session), seq);
        request.whenComplete((status, error) -> {
            if (loop.inEventLoop()) {
                answered(round, session, seq, status, error, request.sessions());
            } else {
                loop.execute(() -> answered(round, session, seq, status, error, request.sessions()));
            }
        });
    }

    /**
     * Publishes to up to {@code --batch} idle sessions (and no more than the round has left) in one
     * request; {@code false} if no session was idle.
     */
    private boolean publishBatch(Round round) {
        int size = (int) Math.min(options.batch(), round.messages - round.sent);
        int[] sessions = new int[size];
        int taken = 0;
        while (taken < size) {
            int session = nextIdleSession();
            if (session < 0) {
                break;
            }
            inFlight[session] = true;
            sessions[taken++] = session;
        }
        if (taken == 0) {
            return false;
        }
        int[] batch = java.util.Arrays.copyOf(sessions, taken);
        String[] socketIds = new String[taken];
        long[] batchSeqs = new long[taken];
        for (int i = 0; i < taken; i++) {
            int session = batch[i];
            batchSeqs[i] = ++seqs[session];
            tracker.sent(session, batchSeqs[i]);
            socketIds[i] = sockets.get(session);
        }
        outstanding++;
        round.sent += taken;
        publisher.publishBatch(socketIds, batchSeqs).whenComplete((status, error) -> {
            if (loop.inEventLoop()) {
                answeredBatch(round, batch, batchSeqs, status, error);
            } else {
                loop.execute(() -> answeredBatch(round, batch, batchSeqs, status, error));
            }
        });
        return true;
    }

    private void answeredBatch(Round round, int[] sessions, long[] batchSeqs, Integer status, Throwable error) {
        for (int i = 0; i < sessions.length; i++) {
            count(round, sessions[i], batchSeqs[i], status, error);
            inFlight[sessions[i]] = false;
        }
        outstanding--;
        fill();
    }

    private void answered(Round round, int session, long seq, Integer status, Throwable error, int sessions) {
        count(round, session, seq, status, error);
        if (sessions == 0 && error == null && status == 200) {
            // The API found no session of the socket to queue it for: each slot's socket has one
            // session, so its session was not (or no longer) in the socket's index.
            tracker.queuedForNoSession(session, seq);
            round.queuedForNoSession.incrementAndGet();
        }
        inFlight[session] = false;
        outstanding--;
        fill();
    }

    private void count(Round round, int session, long seq, Integer status, Throwable error) {
        if (error == null && status >= 200 && status < 300) {
            tracker.accepted(session, seq);
            round.published.incrementAndGet();
        } else {
            round.errors.incrementAndGet();
            round.errorsByStatus.computeIfAbsent(error != null ? "no answer" : Integer.toString(status),
                    key -> new LongAdder()).increment();
            round.firstError.compareAndSet(null, error != null ? error.toString() : "HTTP " + status);
        }
    }

    /** The next session without a publish in flight, round robin; -1 if every one has one. */
    private int nextIdleSession() {
        for (int tries = 0; tries < sockets.size(); tries++) {
            int candidate = cursor;
            cursor = (cursor + 1) % sockets.size();
            if (!inFlight[candidate]) {
                return candidate;
            }
        }
        return -1;
    }

    long[] seqs() {
        return seqs.clone();
    }

    void printProgress() {
        Round round = current;
        if (round == null) {
            return;
        }
        Histogram interval = round.phase.intervalLatency();
        progress.printf(Locale.ROOT,
                "%s t=%5.1fs published=%d errors=%d delivered=%d missing=%d dup=%d p50=%.2fms p99=%.2fms%n",
                round.label, (System.nanoTime() - round.startNanos) / 1e9, round.published.get(),
                round.errors.get(), round.phase.delivered(), round.phase.missing(), round.phase.duplicated(),
                interval.getValueAtPercentile(50) / 1e6, interval.getValueAtPercentile(99) / 1e6);
    }

    /** The counters of one round of publishing. */
    static final class Round {
        final String label;
        final DeliveryTracker.Phase phase;
        final long messages;
        final long startNanos = System.nanoTime();
        final long deadline;
        final CompletableFuture<Void> answered = new CompletableFuture<>();
        final AtomicLong published = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        /** Single publishes answered 200 that were queued for no session. */
        final AtomicLong queuedForNoSession = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        /** Failed publishes by HTTP status ({@code "no answer"}: the connection failed or timed out). */
        final Map<String, LongAdder> errorsByStatus = new ConcurrentSkipListMap<>();
        /** On the publishing loop only. */
        long sent;
        double publishSeconds;
        double deliverySeconds;

        Map<String, Long> errorsByStatus() {
            Map<String, Long> counts = new TreeMap<>();
            errorsByStatus.forEach((status, count) -> counts.put(status, count.sum()));
            return counts;
        }

        Round(String label, DeliveryTracker.Phase phase, long messages, long maxNanos) {
            this.label = label;
            this.phase = phase;
            this.messages = messages;
            this.deadline = maxNanos == Long.MAX_VALUE ? Long.MAX_VALUE : startNanos + maxNanos;
        }
    }
}

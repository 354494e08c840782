package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends of sessions whose connection is gone (a websocket's client left): queued, and sent as
 * end.lua runs of up to {@link #PER_RUN} sessions of one Cluster slot, one step at a time
 * through the {@link ScriptPipeline}. A client that leaves cannot be told anything more, so its
 * session's end can wait; the claims, publishes, renewals and sweeps of the sessions still
 * connected cannot. A balancer restart closes every session of a node at once: sent as three
 * commands each (close.lua, a DEL, socket_remove_session.lua) straight to Redisson, 15,000 ends
 * took the client's 64 connections for seconds, the node's hold renewals failed with "Unable to
 * acquire connection" past the hold TTL, and it ended its other, still connected sessions with
 * 4503 (CloseStorm; the 100,000-session runs of BENCHMARKS.md). One run at a time in the
 * pipeline keeps an end storm to one call of each of the pipeline's round trips.
 *
 * <p>An end is certain (its connection is gone), and the application hears of it only from its
 * answer ("was open"): a run Redis does not answer is sent again, {@link #RETRY} later and before
 * newer ones, as long as it takes, not given up at the stall bound (the application then never
 * heard of the session's end, and a held session has no expiry index entry that would tell it
 * later). Every send of a run carries the same reply key, under which end.lua keeps its answers,
 * so that a copy that ran unanswered (in a stall, or cut with its connection) makes a later copy
 * answer "was open" again and not "gone": one notice, not none. Past the stall bound its ends
 * count as kept, once answered as made late ({@link RedisMetrics#keptEnd}: {@code ws.redis.end.kept}).
 *
 * <p>Redis answering again (its first answer after commands it left unanswered, or a reconnection)
 * sends the runs kept at once ({@link #retryNow}), not at their next round.
 *
 * <p>Should the node die with an end not answered yet, the node that takes it over ends the session
 * and tells the application, once: every end not answered is listed in the node's held list
 * ({@link #sessions}, as kept releases are), and end.lua leaves an "end owed" mark beside each
 * session it ended open ({@link RedisKeys#endOwed}), which the node deletes once the application
 * heard of the end; a takeover that finds a listed session gone and its mark there tells the
 * application (a copy ran, its answer never came). Should the node die between the notice and the
 * mark's deletion (or the deletion go unanswered), a takeover within the reply key's TTL tells it a
 * second time.
 *
 * <p>Bounded: at most {@link #MAX_QUEUED} ends wait, unanswered ones included (about 200 bytes
 * each). An end past that is not queued: it answers {@code false} (not ended by this call), is
 * counted ({@link RedisMetrics.Kept#REFUSED}), and its session's keys expire within the hold TTL,
 * since nobody renews them any more; its socket's index entry goes at the next publish to it. An end unanswered a hold TTL after it was queued is given
 * up the same way (its keys lapsed by then; its run's reply key outlives that and Redisson's
 * attempts at its last send: one key of about 200 bytes a run, 88 s with the defaults). The engine's close waits for what is queued ({@link #finish}), as it
 * does for kept releases: a drain has just ended its websockets' sessions.
 *
 * <p>The index leaves it made are kept until the push service asks for them
 * ({@code SocketStore.removeSession}, {@link #takeLeft}), which then costs no round trip.
 */
final class SessionEnds {

    private static final Logger LOG = LoggerFactory.getLogger(SessionEnds.class);
    /** Ends waiting at most. */
    static final int MAX_QUEUED = 50_000;
    /** Sessions one end.lua run ends at most: Redis runs nothing else meanwhile (about a millisecond). */
    static final int PER_RUN = 128;
    /** How long a run Redis left unanswered waits to be sent again, unless Redis answers again first. */
    static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration FINISH_POLL = Duration.ofMillis(20);

    private record End(SessionKey key, long queuedAt, CompletableFuture<Boolean> answer) {
    }

    /**
     * One end.lua run: ends of one script group, oldest first, and the reply key every send of it
     * carries. {@code kept} once it went unanswered past the stall bound (guarded by the step that
     * sends it: one at a time).
     */
    private static final class Run {
        final List<End> ends;
        final String replyKey;
        boolean kept;

        Run(List<End> ends, String replyKey) {
            this.ends = ends;
            this.replyKey = replyKey;
        }

        boolean answered() {
            return ends.stream().allMatch(end -> end.answer().isDone());
        }
    }

    private final RedisRuntime runtime;
    private final long socketTtlMillis;
    private final long replyTtlMillis;
    private final Duration keepAfter;
    private final Duration giveUpAfter;
    private final ScheduledExecutorService timer;
    private final Duration retry;
    private final int maxQueued;
    private final ArrayDeque<End> queue = new ArrayDeque<>();
    /** Runs Redis left unanswered: sent before newer ends. */
    private final ArrayDeque<Run> unanswered = new ArrayDeque<>();
    private final Set<SessionKey> left = ConcurrentHashMap.newKeySet();
    /** Sessions whose end is not answered yet: listed as held, for a takeover should the node die. */
    private final Set<SessionKey> unended = ConcurrentHashMap.newKeySet();
    private int endsUnanswered;
    private boolean running;
    /** The next round of the runs Redis left unanswered, while one waits. */
    private ScheduledFuture<?> nextRound;
    private long refused;

    /**
     * @param keepAfter how long an end goes unanswered before it counts as kept (the stall bound)
     * @param giveUpAfter how long an end is sent again while Redis does not answer (the hold TTL:
     *     its keys, renewed no more, are gone by then)
     */
    SessionEnds(RedisRuntime runtime, long socketTtlMillis, Duration keepAfter, Duration giveUpAfter) {
        this(runtime, socketTtlMillis, keepAfter, giveUpAfter, RETRY, MAX_QUEUED);
    }

    /**
     * @param retry how long unanswered runs wait for their next send, unless Redis answers again
     * @param maxQueued ends waiting at most
     */
    SessionEnds(RedisRuntime runtime, long socketTtlMillis, Duration keepAfter, Duration giveUpAfter, Duration retry,
            int maxQueued) {
        this.runtime = runtime;
        this.retry = retry;
        this.maxQueued = maxQueued;
        this.socketTtlMillis = socketTtlMillis;
        this.replyTtlMillis = ReplyKeys.ttlFor(runtime.config()).plus(giveUpAfter).toMillis();
        this.keepAfter = keepAfter;
        this.giveUpAfter = giveUpAfter;
        this.timer = runtime.timer();
        runtime.watch().whenAnsweringAgain(this::retryNow);
    }

    /** Ends {@code key}'s session; completes with whether it was open (this ended it). */
    CompletionStage<Boolean> end(SessionKey key) {
        End end = new End(key, System.nanoTime(), new CompletableFuture<>());
        boolean start;
        synchronized (this) {
            int waiting = queue.size() + endsUnanswered;
            if (waiting >= maxQueued) {
                runtime.metrics().keptEnd(RedisMetrics.Kept.REFUSED);
                if (refused++ % 10_000 == 0) {
                    LOG.warn("{} session ends waiting: this one and those after it until they are sent are left to"
                            + " expire with the hold TTL ({} so far)", waiting, refused);
                }
                return CompletableFuture.completedFuture(false);
            }
            queue.add(end);
            unended.add(key);
            start = !running;
            running = true;
        }
        if (start) {
            sendNext();
        }
        return end.answer();
    }

    /** Whether {@code key}'s end took its session out of its socket's index (asked once). */
    boolean takeLeft(SessionKey key) {
        return left.remove(key);
    }

    /** The sessions whose end Redis has not answered yet: the node lists them as held. */
    List<SessionKey> sessions() {
        return List.copyOf(unended);
    }

    /**
     * Redis answers again: the runs it left unanswered go now rather than at their next round
     * (nothing happens while a step is in flight, or none waits).
     */
    void retryNow() {
        synchronized (this) {
            if (nextRound == null || !nextRound.cancel(false)) {
                return;
            }
            nextRound = null;
        }
        try {
            timer.execute(this::sendNext);
        } catch (RejectedExecutionException closing) {
            // The engine is closing: finish() no longer waits, the keys lapse as after a failed round.
        }
    }

    /** Ends waiting now, unanswered ones included. */
    synchronized int waiting() {
        return queue.size() + endsUnanswered;
    }

    /**
     * Waits up to {@code bound} for every end queued to be answered or given up (the node stops:
     * its drain has just ended its websockets, and kept ones may be answered now). Blocks.
     */
    void finish(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (busy() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(FINISH_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (busy()) {
            LOG.warn("session ends still unanswered at the engine's close ({} queued besides those in flight): left"
                    + " to expire with the hold TTL", waiting());
        }
    }

    /** A step is in flight or waits to be sent again. */
    private synchronized boolean busy() {
        return running;
    }

    /** The next step: runs Redis left unanswered first, then new ends, {@link #PER_RUN} ends in all at most. */
    private void sendNext() {
        List<Run> step = new ArrayList<>();
        List<End> fresh = new ArrayList<>(PER_RUN);
        synchronized (this) {
            nextRound = null;
            int taken = 0;
            while (!unanswered.isEmpty() && taken < PER_RUN) {
                Run run = unanswered.poll();
                endsUnanswered -= run.ends.size();
                taken += run.ends.size();
                step.add(run);
            }
            while (!queue.isEmpty() && taken + fresh.size() < PER_RUN) {
                fresh.add(queue.poll());
            }
            if (step.isEmpty() && fresh.isEmpty()) {
                running = false;
                return;
            }
        }
        for (List<End> ends : ScriptCalls.split(fresh, end -> runtime.scriptGroup(end.key()))) {
            step.add(new Run(ends, runtime.replies().next(ends.get(0).key().scope())));
        }
        long answeringAgain = runtime.watch().timesAnsweringAgain();
        List<CompletableFuture<Void>> sends = new ArrayList<>(step.size());
        step.forEach(run -> sends.add(send(run)));
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
            if (error == null) {
                sendNext();
                return;
            }
            retryLater(step, error);
            // Redis answered again while this step was on its way: its signal found no round to advance.
            if (runtime.watch().timesAnsweringAgain() != answeringAgain) {
                retryNow();
            }
        });
    }

    private CompletableFuture<Void> send(Run run) {
        List<List<Object>> keys = new ArrayList<>(run.ends.size());
        List<Object[]> own = new ArrayList<>(run.ends.size());
        RedisKeys names = runtime.keys();
        for (End end : run.ends) {
            List<Object> endKeys = new ArrayList<>(5);
            endKeys.add(names.session(end.key()));
            endKeys.add(names.queue(end.key()));
            endKeys.addAll(names.socketKeys(end.key().scope()));
            endKeys.add(names.endOwed(end.key()));
            keys.add(endKeys);
            own.add(new Object[] {end.key().sessionId()});
        }
        List<CompletableFuture<Object>> answers = runtime.pipeline().submitRun(runtime.scripts().end, run.replyKey,
                keys, new Object[] {Long.toString(socketTtlMillis), Long.toString(replyTtlMillis)}, own);
        // Settles each end, then the run (its ends' answers are set by then).
        List<CompletableFuture<Void>> settled = new ArrayList<>(run.ends.size());
        for (int i = 0; i < run.ends.size(); i++) {
            End end = run.ends.get(i);
            settled.add(answers.get(i).thenAccept(answer -> {
                boolean open = answer instanceof Long ended && ended == 1L;
                // Only an end that was open tells the push service, whose removeSession takes this.
                if (open && left.size() < MAX_QUEUED) {
                    left.add(end.key());
                }
                if (run.kept) {
                    runtime.metrics().keptEnd(RedisMetrics.Kept.MADE_LATE);
                }
                unended.remove(end.key());
                end.answer().complete(open);
            }));
        }
        CompletableFuture<Void> answered = CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
        // The application heard of the ends answered open (their answers' callers told it): their
        // "end owed" marks go, or a takeover should this node die would tell it again.
        answered.thenRun(() -> deleteOwedMarks(run));
        if (run.kept) {
            answered.thenRun(() -> LOG.info("session ends: {} kept past the stall bound answered at last",
                    run.ends.size()));
        }
        return answered;
    }

    private void deleteOwedMarks(Run run) {
        List<String> marks = new ArrayList<>();
        for (End end : run.ends) {
            if (end.answer().getNow(false)) {
                marks.add(runtime.keys().endOwed(end.key()));
            }
        }
        if (marks.isEmpty()) {
            return;
        }
        // One slot on a Cluster (a run is one script group); unanswered, the marks expire with the reply key.
        runtime.commands().<Long>timed("del", () -> runtime.redisson().getKeys().deleteAsync(marks.toArray(String[]::new)))
                .whenComplete((deleted, error) -> {
                    if (error != null) {
                        LOG.info("session ends: {} end-owed mark(s) not deleted, they expire within {} ms: {}",
                                marks.size(), replyTtlMillis, StoreErrors.redacted(error.toString()));
                    }
                });
    }

    /**
     * A step Redis did not answer: its unanswered runs go again after {@link #RETRY}, before newer
     * ends, unless a hold TTL passed since their ends were queued.
     */
    private void retryLater(List<Run> step, Throwable error) {
        long now = System.nanoTime();
        List<Run> again = new ArrayList<>();
        int kept = 0;
        int givenUp = 0;
        for (Run run : step) {
            if (run.answered()) {
                continue;
            }
            long waited = now - run.ends.get(0).queuedAt();
            if (waited >= giveUpAfter.toNanos()) {
                givenUp += run.ends.size();
                for (End end : run.ends) {
                    runtime.metrics().keptEnd(RedisMetrics.Kept.GIVEN_UP);
                    unended.remove(end.key());
                    end.answer().completeExceptionally(error);
                }
                continue;
            }
            if (!run.kept && waited >= keepAfter.toNanos()) {
                run.kept = true;
                kept += run.ends.size();
                run.ends.forEach(end -> runtime.metrics().keptEnd(RedisMetrics.Kept.KEPT));
            }
            again.add(run);
        }
        String redacted = StoreErrors.redacted(error.toString());
        if (kept > 0) {
            LOG.warn("session ends: Redis left {} unanswered past the stall bound: kept, and sent again until it"
                    + " answers ({})", kept, redacted);
        }
        if (givenUp > 0) {
            LOG.warn("session ends: {} given up unanswered a hold TTL after they were queued: their keys lapse, the"
                    + " application never hears of them ({})", givenUp, redacted);
        }
        if (kept == 0 && givenUp == 0) {
            LOG.info("session ends: Redis did not answer a run; {} run(s) sent again in {} ({})", again.size(), retry,
                    redacted);
        }
        try {
            synchronized (this) {
                for (int i = again.size() - 1; i >= 0; i--) {
                    unanswered.addFirst(again.get(i));
                    endsUnanswered += again.get(i).ends.size();
                }
                nextRound = timer.schedule(this::sendNext, retry.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException closing) {
            // The engine is closing: nothing more is sent; the keys expire with the hold TTL.
            List<End> dropped;
            synchronized (this) {
                dropped = new ArrayList<>(queue);
                unanswered.forEach(run -> dropped.addAll(run.ends));
                queue.clear();
                unanswered.clear();
                endsUnanswered = 0;
                running = false;
            }
            dropped.forEach(end -> {
                unended.remove(end.key());
                end.answer().completeExceptionally(error);
            });
        }
    }
}

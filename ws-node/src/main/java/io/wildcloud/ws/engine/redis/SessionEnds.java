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
 * <p>Bounded: at most {@link #MAX_QUEUED} ends wait (about 200 bytes each). An end past that is
 * not queued: it answers {@code false} (not ended by this call) and its session's keys expire
 * within the hold TTL, since nobody renews them any more; its socket's index entry goes at the
 * next publish to it, its expiry index entry at the sweep that finds it gone, as a dead node's
 * do. A run Redis does not answer is sent again a second later, until its ends have waited the
 * stall bound; then they are given up the same way.
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
    private static final Duration RETRY = Duration.ofSeconds(1);

    private record End(SessionKey key, long queuedAt, CompletableFuture<Boolean> answer) {
    }

    private final RedisRuntime runtime;
    private final long socketTtlMillis;
    private final Duration giveUpAfter;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<End> queue = new ArrayDeque<>();
    private final Set<SessionKey> left = ConcurrentHashMap.newKeySet();
    private boolean running;
    private long refused;

    /** @param giveUpAfter how long an end is sent again while Redis does not answer (the stall bound) */
    SessionEnds(RedisRuntime runtime, long socketTtlMillis, Duration giveUpAfter) {
        this.runtime = runtime;
        this.socketTtlMillis = socketTtlMillis;
        this.giveUpAfter = giveUpAfter;
        this.timer = runtime.timer();
    }

    /** Ends {@code key}'s session; completes with whether it was open (this ended it). */
    CompletionStage<Boolean> end(SessionKey key) {
        End end = new End(key, System.nanoTime(), new CompletableFuture<>());
        boolean start;
        synchronized (this) {
            if (queue.size() >= MAX_QUEUED) {
                if (refused++ % 10_000 == 0) {
                    LOG.warn("{} session ends waiting: this one and those after it until they are sent are left to"
                            + " expire with the hold TTL ({} so far)", queue.size(), refused);
                }
                return CompletableFuture.completedFuture(false);
            }
            queue.add(end);
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

    /** Ends waiting now. */
    synchronized int waiting() {
        return queue.size();
    }

    private void sendNext() {
        List<End> step = new ArrayList<>(PER_RUN);
        synchronized (this) {
            while (!queue.isEmpty() && step.size() < PER_RUN) {
                step.add(queue.poll());
            }
            if (step.isEmpty()) {
                running = false;
                return;
            }
        }
        List<CompletableFuture<Object>> runs = new ArrayList<>();
        for (List<End> run : ScriptCalls.split(step, end -> runtime.scriptGroup(end.key()))) {
            runs.addAll(send(run));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> {
            if (error == null) {
                sendNext();
                return;
            }
            retryLater(step, error);
        });
    }

    private List<CompletableFuture<Object>> send(List<End> run) {
        List<List<Object>> keys = new ArrayList<>(run.size());
        List<Object[]> own = new ArrayList<>(run.size());
        RedisKeys names = runtime.keys();
        for (End end : run) {
            List<Object> endKeys = new ArrayList<>(4);
            endKeys.add(names.session(end.key()));
            endKeys.add(names.queue(end.key()));
            endKeys.addAll(names.socketKeys(end.key().scope()));
            keys.add(endKeys);
            own.add(new Object[] {end.key().sessionId()});
        }
        List<CompletableFuture<Object>> answers = runtime.pipeline().submitRun(runtime.scripts().end,
                run.get(0).key().scope(), keys, new Object[] {Long.toString(socketTtlMillis)}, own);
        for (int i = 0; i < run.size(); i++) {
            End end = run.get(i);
            answers.get(i).thenAccept(answer -> {
                boolean open = answer instanceof Long ended && ended == 1L;
                // Only an end that was open tells the push service, whose removeSession takes this.
                if (open && left.size() < MAX_QUEUED) {
                    left.add(end.key());
                }
                end.answer().complete(open);
            });
        }
        return answers;
    }

    /** A step Redis did not answer: its unanswered ends go again after {@link #RETRY}, unless they waited too long. */
    private void retryLater(List<End> step, Throwable error) {
        long now = System.nanoTime();
        List<End> again = new ArrayList<>();
        int givenUp = 0;
        for (End end : step) {
            if (end.answer().isDone()) {
                continue;
            }
            if (now - end.queuedAt() < giveUpAfter.toNanos()) {
                again.add(end);
            } else {
                givenUp++;
                end.answer().completeExceptionally(error);
            }
        }
        LOG.warn("session ends: Redis did not answer a run ({}); {} sent again in {}, {} left to expire with the hold TTL",
                error.toString(), again.size(), RETRY, givenUp);
        synchronized (this) {
            for (int i = again.size() - 1; i >= 0; i--) {
                queue.addFirst(again.get(i));
            }
        }
        try {
            timer.schedule(this::sendNext, RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The engine is closing: nothing more is sent; the keys expire with the hold TTL.
            List<End> dropped;
            synchronized (this) {
                dropped = new ArrayList<>(queue);
                queue.clear();
                running = false;
            }
            dropped.forEach(end -> end.answer().completeExceptionally(error));
        }
    }
}

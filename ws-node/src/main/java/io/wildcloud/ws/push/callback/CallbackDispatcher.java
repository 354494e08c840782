package io.wildcloud.ws.push.callback;

import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * POSTs the messages that sessions send to their socket's callback.
 *
 * <ul>
 *   <li><b>Order.</b> A session's messages go one at a time, in the order dispatched: the next
 *       waits until the previous is settled (delivered, rejected or given up). Sessions do not
 *       wait for each other.</li>
 *   <li><b>Bounded.</b> At most {@link CallbackPolicy#maxConcurrency} requests are on the wire at
 *       once, and at most {@link CallbackPolicy#maxConnectionsPerHost} to one callback origin, so a
 *       slow or dead application holds only its own share; over pooled keep-alive connections;
 *       each attempt has {@link CallbackPolicy#timeout}.</li>
 *   <li><b>Retries.</b> A network error, a timeout or a 5xx is retried with {@link Backoff} for as
 *       long as the next attempt can start within {@link CallbackPolicy#retryBudget} of the first;
 *       then the message is given up: counted in {@link CallbackStats#givenUp()} and logged at WARN
 *       (socket, session, callback origin; never the secret or the callback's path). A 3xx or 4xx
 *       is the application's answer: counted as rejected, never retried. Every attempt of a
 *       message carries the same {@value CallbackSignature#IDEMPOTENCY_KEY_HEADER}.</li>
 *   <li><b>Answers bounded.</b> Only the status is used: the body is counted and dropped, and cut
 *       (connection closed) past {@link CallbackPolicy#maxResponseBytes}; the head is bounded by the
 *       client's codec; redirects are never followed. Each such case reaches
 *       {@link CallbackObserver#anomaly}.</li>
 *   <li><b>Only allowed addresses.</b> Before each connection the callback's host is resolved once
 *       and every address checked ({@link CallbackAddresses}); the connection goes to the checked
 *       address. A refused message is settled at once, never retried, and reaches
 *       {@link CallbackObserver#refused}.</li>
 *   <li><b>Backlog bounded.</b> The messages accepted and not yet settled are counted in bytes per
 *       application and in all ({@link CallbackBacklog}); a dispatch past either bound fails at once
 *       with a {@link io.wildcloud.ws.sockjs.MessagesRefusedException}, none of its messages taken.</li>
 *   <li><b>Never blocks.</b> Requests to a host name start on a small pool of their own (its
 *       resolution may block); requests to an address start on the caller's thread. They run on
 *       the node's event loops when given (else the HTTP client's own), and the next message of a
 *       session starts on the thread that settled the previous; waits are timers.</li>
 * </ul>
 */
public final class CallbackDispatcher implements AutoCloseable {

    private final CallbackStats stats = new CallbackStats();
    private final ScheduledExecutorService timer;
    private final CallbackSender sender;
    private final LoopTasks tasks;
    private final CallbackBacklog backlog;
    private final ConcurrentMap<SessionKey, Lane> lanes = new ConcurrentHashMap<>();

    public CallbackDispatcher(CallbackPolicy policy) {
        this(policy, CallbackObserver.NONE);
    }

    public CallbackDispatcher(CallbackPolicy policy, CallbackObserver observer) {
        this(policy, observer, null);
    }

    /**
     * Sending on {@code loops}, the node's event loops ({@code null}: an HTTP client with loops
     * of its own): one Netty runtime per node, and a callback's answer handled on the thread
     * that read it.
     */
    public CallbackDispatcher(CallbackPolicy policy, CallbackObserver observer, EventLoopGroup loops) {
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "callback-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.sender = new CallbackSender(policy, stats, observer, timer, loops);
        this.tasks = new LoopTasks(loops);
        this.backlog = new CallbackBacklog(policy.maxBacklogBytes(), policy.maxBacklogBytesPerApplication());
    }

    public CallbackStats stats() {
        return stats;
    }

    /**
     * Queues {@code messages} of {@code session} for {@code target}, after the session's earlier
     * messages. The stage completes once each of them is settled; it fails at once, none of them
     * accepted, if they would pass the backlog's bounds ({@link CallbackBacklog}).
     */
    public CompletionStage<Void> dispatch(SessionKey session, CallbackTarget target, List<String> messages) {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long bytes = CallbackBacklog.bytesOf(messages);
        try {
            backlog.reserve(target.applicationName(), session.scope(), bytes);
        } catch (CallbackBacklog.CallbackBacklogFullException refused) {
            stats.onBacklogRefused(messages.size());
            return CompletableFuture.failedFuture(refused);
        }
        stats.onBacklog(bytes);
        stats.onAccepted(messages.size());
        Batch batch = new Batch(target, List.copyOf(messages), new CompletableFuture<>());
        batch.done.whenComplete((settled, error) -> {
            backlog.release(target.applicationName(), session.scope(), bytes);
            stats.onBacklog(-bytes);
        });
        boolean[] start = new boolean[1];
        lanes.compute(session, (key, lane) -> {
            Lane current = lane == null ? new Lane() : lane;
            current.batches.add(batch);
            if (!current.running) {
                current.running = true;
                start[0] = true;
            }
            return current;
        });
        if (start[0]) {
            runNext(session);
        }
        return batch.done;
    }

    /**
     * Runs the lane's batches until one has to wait, or removes the lane when it has none. A batch
     * that waits runs the next on the thread that settles it (an event loop, as a rule): no hand-off.
     */
    private void runNext(SessionKey session) {
        while (true) {
            Batch batch = nextBatch(session);
            if (batch == null) {
                return;
            }
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (String message : batch.messages) {
                chain = chain.thenCompose(ignored -> sender.deliver(session, batch.target, message));
            }
            if (!chain.isDone()) {
                chain.whenComplete((ignored, error) -> tasks.afterThis(() -> {
                    batch.done.complete(null);
                    runNext(session);
                }));
                return;
            }
            // Settled at once (refused, given up): loop, so that a run of such batches does not recurse.
            batch.done.complete(null);
        }
    }

    private Batch nextBatch(SessionKey session) {
        Batch[] next = new Batch[1];
        lanes.compute(session, (key, lane) -> {
            next[0] = lane.batches.poll();
            return next[0] == null ? null : lane;
        });
        return next[0];
    }

    /**
     * Completes when no message is pending (every accepted one settled), or with {@code false}
     * once {@code within} has passed: what a draining node waits for before it stops.
     */
    public CompletionStage<Boolean> whenIdle(Duration within) {
        CompletableFuture<Boolean> idle = new CompletableFuture<>();
        checkIdle(idle, System.nanoTime() + within.toNanos());
        return idle;
    }

    private void checkIdle(CompletableFuture<Boolean> idle, long deadline) {
        if (stats.pending() == 0) {
            idle.complete(true);
        } else if (System.nanoTime() >= deadline) {
            idle.complete(false);
        } else {
            try {
                timer.schedule(() -> checkIdle(idle, deadline), 20, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                idle.complete(stats.pending() == 0);
            }
        }
    }

    /** Stops sending; messages still pending are given up and counted. */
    @Override
    public void close() {
        sender.close();
        timer.shutdownNow();
    }

    /** One session's queue of batches; guarded by the map's compute. */
    private static final class Lane {
        final Queue<Batch> batches = new ArrayDeque<>();
        boolean running;
    }

    private record Batch(CallbackTarget target, List<String> messages, CompletableFuture<Void> done) {
    }
}

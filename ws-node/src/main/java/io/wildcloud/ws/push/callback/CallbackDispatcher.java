package io.wildcloud.ws.push.callback;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *   <li><b>Never blocks.</b> Requests start on a small pool of its own (host name resolution may
 *       block) and run on the HTTP client's own event loop; waits are timers.</li>
 * </ul>
 */
public final class CallbackDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SENDER_THREADS = 4;
    private static final Base64.Encoder KEY_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final CallbackPolicy policy;
    private final AsyncHttpClient http;
    private final ScheduledExecutorService timer;
    private final Executor laneExecutor;
    /**
     * Where requests start. Never the caller's thread (a Netty event loop): starting a request
     * resolves the callback's host name, which the HTTP client does with the JDK's blocking
     * resolver. A slow DNS answer stalls one of these threads, nothing else.
     */
    private final ThreadPoolExecutor senders;
    private final ConcurrencyLimiter limiter;
    /** Per callback origin, so that one slow application cannot take every permit. */
    private final ConcurrentMap<String, ConcurrencyLimiter> originLimiters = new ConcurrentHashMap<>();
    private final CallbackObserver observer;
    private final Backoff backoff;
    private final CallbackStats stats = new CallbackStats();
    private final ConcurrentMap<SessionKey, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public CallbackDispatcher(CallbackPolicy policy) {
        this(policy, CallbackObserver.NONE);
    }

    public CallbackDispatcher(CallbackPolicy policy, CallbackObserver observer) {
        this.policy = policy;
        this.observer = observer;
        this.limiter = new ConcurrencyLimiter(policy.maxConcurrency());
        this.backoff = new Backoff(policy);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "callback-timer");
            thread.setDaemon(true);
            return thread;
        });
        Duration connectTimeout = policy.timeout().compareTo(Duration.ofSeconds(5)) < 0
                ? policy.timeout() : Duration.ofSeconds(5);
        this.senders = new ThreadPoolExecutor(SENDER_THREADS, SENDER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "callback-send");
                    thread.setDaemon(true);
                    return thread;
                });
        senders.allowCoreThreadTimeOut(true);
        // After close the timer refuses work; lanes then finish on the caller so no stage hangs.
        this.laneExecutor = task -> {
            try {
                timer.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
        this.http = Dsl.asyncHttpClient(Dsl.config()
                .setThreadPoolName("callback-http")
                .setUserAgent("wildcloud-websockets")
                .setKeepAlive(true)
                .setFollowRedirect(false)
                .setMaxRequestRetry(0) // retries are ours, with backoff and one idempotency key
                .setConnectTimeout(connectTimeout)
                .setRequestTimeout(policy.timeout())
                .setReadTimeout(policy.timeout())
                .setMaxConnectionsPerHost(policy.maxConnectionsPerHost())
                .setPooledConnectionIdleTimeout(Duration.ofSeconds(30)));
    }

    public CallbackStats stats() {
        return stats;
    }

    /**
     * Queues {@code messages} of {@code session} for {@code target}, after the session's earlier
     * messages. The stage completes (never exceptionally) once each of them is settled.
     */
    public CompletionStage<Void> dispatch(SessionKey session, CallbackTarget target, List<String> messages) {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        stats.onAccepted(messages.size());
        Batch batch = new Batch(target, List.copyOf(messages), new CompletableFuture<>());
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

    /** Runs the lane's next batch, or removes the lane when it has none. */
    private void runNext(SessionKey session) {
        Batch[] next = new Batch[1];
        lanes.compute(session, (key, lane) -> {
            next[0] = lane.batches.poll();
            return next[0] == null ? null : lane;
        });
        Batch batch = next[0];
        if (batch == null) {
            return;
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String message : batch.messages) {
            chain = chain.thenCompose(ignored -> deliver(session, batch.target, message));
        }
        // Async on the timer thread: a chain of batches that settle at once must not recurse.
        chain.whenCompleteAsync((ignored, error) -> {
            batch.done.complete(null);
            runNext(session);
        }, laneExecutor);
    }

    private CompletableFuture<Void> deliver(SessionKey session, CallbackTarget target, String message) {
        byte[] body = new CallbackPayload(message, session.sessionId(), target.clientId()).toJson()
                .getBytes(StandardCharsets.UTF_8);
        Attempt attempt = new Attempt(session, target, body, newIdempotencyKey(),
                System.nanoTime() + policy.retryBudget().toNanos());
        attempt.run(1);
        return attempt.settled;
    }

    private static String newIdempotencyKey() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return KEY_ENCODER.encodeToString(bytes);
    }

    /**
     * Completes when no message is pending (every accepted one settled), or with {@code false}
     * once {@code within} has passed: what a draining node waits for before it stops.
     */
    public CompletionStage<Boolean> whenIdle(Duration within) {
        CompletableFuture<Boolean> idle = new CompletableFuture<>();
        long deadline = System.nanoTime() + within.toNanos();
        checkIdle(idle, deadline);
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

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        senders.shutdownNow();
        try {
            http.close();
        } catch (java.io.IOException e) {
            log.warn("closing the callback HTTP client failed", e);
        }
    }

    /** The tries of one message, all with one idempotency key. */
    private final class Attempt {
        final SessionKey session;
        final CallbackTarget target;
        final byte[] body;
        final String idempotencyKey;
        final long deadlineNanos;
        final CompletableFuture<Void> settled = new CompletableFuture<>();

        Attempt(SessionKey session, CallbackTarget target, byte[] body, String idempotencyKey, long deadlineNanos) {
            this.session = session;
            this.target = target;
            this.body = body;
            this.idempotencyKey = idempotencyKey;
            this.deadlineNanos = deadlineNanos;
        }

        void run(int number) {
            if (closed) {
                giveUp(number - 1, "the dispatcher closed");
                return;
            }
            // Origin first, then global, always in this order: no two attempts can wait on each other.
            ConcurrencyLimiter origin = originLimiters.computeIfAbsent(target.loggableOrigin(),
                    key -> new ConcurrencyLimiter(policy.maxConnectionsPerHost()));
            origin.acquire().thenCompose(ignored -> limiter.acquire()).thenRun(() -> {
                try {
                    senders.execute(() -> send(number, origin));
                } catch (RejectedExecutionException e) {
                    limiter.release();
                    origin.release();
                    giveUp(number - 1, "the dispatcher closed");
                }
            });
        }

        private void send(int number, ConcurrencyLimiter origin) {
            stats.onAttempt(number > 1);
            long started = System.nanoTime();
            CompletableFuture<Response> response;
            try {
                response = http.preparePost(target.callback().toString())
                        .setHeader("Content-Type", "application/json; charset=utf-8")
                        .setHeader(CallbackSignature.SIGNATURE_HEADER, CallbackSignature.sign(target.secret(), body))
                        .setHeader(CallbackSignature.IDEMPOTENCY_KEY_HEADER, idempotencyKey)
                        .setBody(body)
                        .execute()
                        .toCompletableFuture();
            } catch (RuntimeException e) {
                // A closed client throws instead of failing the future.
                response = CompletableFuture.failedFuture(e);
            }
            response.whenComplete((answer, error) -> {
                stats.onAttemptEnded();
                limiter.release();
                origin.release();
                observe(() -> observer.attemptEnded(target.applicationName(),
                        Duration.ofNanos(System.nanoTime() - started), error != null ? -1 : answer.getStatusCode()));
                if (error != null) {
                    retryOrGiveUp(number, error.getClass().getSimpleName() + ": " + error.getMessage());
                } else if (answer.getStatusCode() >= 200 && answer.getStatusCode() < 300) {
                    stats.onDelivered();
                    settled.complete(null);
                } else if (answer.getStatusCode() >= 500) {
                    retryOrGiveUp(number, "status " + answer.getStatusCode());
                } else {
                    stats.onRejected();
                    log.warn("{} callback to {} refused a message with status {}; not retried", session,
                            target.loggableOrigin(), answer.getStatusCode());
                    settled.complete(null);
                }
            });
        }

        private void retryOrGiveUp(int number, String failure) {
            long delay = backoff.delayNanos(number);
            if (closed || System.nanoTime() + delay > deadlineNanos) {
                giveUp(number, failure);
                return;
            }
            log.debug("{} callback to {} failed ({}), retry {} in {} ms", session, target.loggableOrigin(), failure,
                    number, TimeUnit.NANOSECONDS.toMillis(delay));
            try {
                timer.schedule(() -> run(number + 1), delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                giveUp(number, "the dispatcher closed");
            }
        }

        private void giveUp(int attempts, String failure) {
            stats.onGivenUp();
            observe(() -> observer.givenUp(target.applicationName()));
            log.warn("{} callback to {} gave up on a message after {} attempt(s): {} (socket {}, application {})",
                    session, target.loggableOrigin(), attempts, failure, target.socketId(), target.applicationName());
            settled.complete(null);
        }
    }

    /** A failing observer must not leave a message unsettled, which would stall its session. */
    private static void observe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("callback observer failed", e);
        }
    }

    /** One session's queue of batches; guarded by the map's compute. */
    private static final class Lane {
        final Queue<Batch> batches = new ArrayDeque<>();
        boolean running;
    }

    private record Batch(CallbackTarget target, List<String> messages, CompletableFuture<Void> done) {
    }
}

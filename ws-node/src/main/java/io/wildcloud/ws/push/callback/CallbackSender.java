package io.wildcloud.ws.push.callback;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.DefaultAsyncHttpClientConfig;
import org.asynchttpclient.Dsl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one message to its callback: signed POSTs over pooled connections, within the
 * concurrency limits, retried with {@link Backoff} within the retry budget, under one idempotency
 * key. The {@link CallbackDispatcher} decides the order; this class only delivers.
 */
final class CallbackSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder KEY_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final int SENDER_THREADS = 4;
    static final int MAX_HEAD_BYTES = 8192;

    private final CallbackPolicy policy;
    private final CallbackStats stats;
    private final CallbackObserver observer;
    private final ScheduledExecutorService timer;
    private final AsyncHttpClient http;
    /**
     * Where requests to a host name start. Never the caller's thread (a Netty event loop):
     * starting such a request resolves the name ({@link CallbackAddresses#resolve}, the JDK's
     * blocking resolver) to check its addresses. A slow DNS answer stalls one of these threads,
     * nothing else. A request to an address starts on the event loop it was made on.
     */
    private final ThreadPoolExecutor senders;
    private final ConcurrencyLimiter limiter;
    /** Per callback origin, so that one slow application cannot take every permit. */
    private final ConcurrentMap<String, ConcurrencyLimiter> originLimiters = new ConcurrentHashMap<>();
    private final Backoff backoff;
    private final LoopTasks tasks;
    private volatile boolean closed;

    /**
     * @param loops the node's event loops, which the HTTP client then runs on (with its timeouts,
     *     {@link EventLoopTimer}); {@code null} for a client with loops and a timer of its own
     */
    CallbackSender(CallbackPolicy policy, CallbackStats stats, CallbackObserver observer,
            ScheduledExecutorService timer, EventLoopGroup loops) {
        this.policy = policy;
        this.stats = stats;
        this.observer = observer;
        this.timer = timer;
        this.limiter = new ConcurrencyLimiter(policy.maxConcurrency());
        this.backoff = new Backoff(policy);
        this.tasks = new LoopTasks(loops);
        this.senders = new ThreadPoolExecutor(SENDER_THREADS, SENDER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "callback-send");
                    thread.setDaemon(true);
                    return thread;
                });
        senders.allowCoreThreadTimeOut(true);
        Duration connectTimeout = policy.timeout().compareTo(Duration.ofSeconds(5)) < 0
                ? policy.timeout() : Duration.ofSeconds(5);
        DefaultAsyncHttpClientConfig.Builder config = Dsl.config();
        if (loops != null) {
            // One Netty runtime per node: the client's channels and timeouts on the node's loops.
            config.setEventLoopGroup(loops).setNettyTimer(new EventLoopTimer(loops));
        } else {
            config.setThreadPoolName("callback-http");
        }
        this.http = Dsl.asyncHttpClient(config
                .setUserAgent("wildcloud-websockets")
                .setKeepAlive(true)
                .setFollowRedirect(false)
                .setMaxRequestRetry(0) // retries are ours, with backoff and one idempotency key
                .setConnectTimeout(connectTimeout)
                .setRequestTimeout(policy.timeout())
                .setReadTimeout(policy.timeout())
                .setMaxConnectionsPerHost(policy.maxConnectionsPerHost())
                // An answer's head is bounded here, its body by BoundedResponse, its time by the timeouts.
                .setHttpClientCodecMaxInitialLineLength(MAX_HEAD_BYTES)
                .setHttpClientCodecMaxHeaderSize(MAX_HEAD_BYTES)
                .setHttpClientCodecMaxChunkSize(8192)
                .setPooledConnectionIdleTimeout(Duration.ofSeconds(30)));
    }

    /** Completes (never exceptionally) once the message is delivered, rejected or given up. */
    CompletableFuture<Void> deliver(SessionKey session, CallbackTarget target, String message) {
        byte[] body = new CallbackPayload(message, session.sessionId(), target.clientId()).toJson()
                .getBytes(StandardCharsets.UTF_8);
        Attempts attempts = new Attempts(session, target, body, newIdempotencyKey(),
                System.nanoTime() + policy.retryBudget().toNanos());
        attempts.run(1);
        return attempts.settled;
    }

    private static String newIdempotencyKey() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return KEY_ENCODER.encodeToString(bytes);
    }

    @Override
    public void close() {
        closed = true;
        senders.shutdownNow();
        try {
            http.close();
        } catch (IOException e) {
            log.warn("closing the callback HTTP client failed", e);
        }
    }

    /** Timeouts and over-long heads, told apart from plain network errors for the metrics. */
    private static Optional<CallbackAnomaly> anomalyOf(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return Optional.of(CallbackAnomaly.TIMEOUT);
            }
            if (cause instanceof TooLongFrameException) {
                return Optional.of(CallbackAnomaly.HEAD_TOO_LARGE);
            }
        }
        return Optional.empty();
    }

    /** A failing observer must not leave a message unsettled, which would stall its session. */
    private static void observe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("callback observer failed", e);
        }
    }

    /** The tries of one message, all with one idempotency key. */
    private final class Attempts {
        final SessionKey session;
        final CallbackTarget target;
        final byte[] body;
        final String idempotencyKey;
        final long deadlineNanos;
        final CompletableFuture<Void> settled = new CompletableFuture<>();

        Attempts(SessionKey session, CallbackTarget target, byte[] body, String idempotencyKey, long deadlineNanos) {
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
                if (!policy.addresses().needsLookup(target.callback())) {
                    // An address needs no DNS, which is all that may block: sent on this thread's loop.
                    tasks.afterThis(() -> send(number, origin));
                    return;
                }
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
            InetAddress address;
            try {
                address = policy.addresses().resolve(target.callback());
            } catch (CallbackRefusedException e) {
                limiter.release();
                origin.release();
                refuse(e);
                return;
            } catch (UnknownHostException | RuntimeException e) {
                limiter.release();
                origin.release();
                retryOrGiveUp(number, "cannot resolve " + target.callback().getHost() + ": " + e.getMessage());
                return;
            }
            stats.onAttempt(number > 1);
            long started = System.nanoTime();
            CompletableFuture<BoundedResponse.Answer> response;
            try {
                response = http.preparePost(target.callback().toString())
                        .setAddress(address) // the checked one: no second resolution to rebind
                        .setHeader("Content-Type", "application/json; charset=utf-8")
                        .setHeader(CallbackSignature.SIGNATURE_HEADER, CallbackSignature.sign(target.secret(), body))
                        .setHeader(CallbackSignature.IDEMPOTENCY_KEY_HEADER, idempotencyKey)
                        .setBody(body)
                        .execute(new BoundedResponse(policy.maxResponseBytes()))
                        .toCompletableFuture();
            } catch (RuntimeException e) {
                // A closed client throws instead of failing the future.
                response = CompletableFuture.failedFuture(e);
            }
            response.whenComplete((answer, error) -> {
                stats.onAttemptEnded();
                limiter.release();
                origin.release();
                int status = error != null ? -1 : answer.status();
                observe(() -> observer.attemptEnded(target.applicationName(),
                        Duration.ofNanos(System.nanoTime() - started), status));
                if (error != null) {
                    anomalyOf(error).ifPresent(this::anomaly);
                    retryOrGiveUp(number, error.getClass().getSimpleName() + ": " + error.getMessage());
                    return;
                }
                if (answer.bodyCut()) {
                    anomaly(CallbackAnomaly.BODY_TOO_LARGE);
                }
                if (status >= 200 && status < 300) {
                    stats.onDelivered();
                    settled.complete(null);
                } else if (status >= 500) {
                    retryOrGiveUp(number, "status " + status);
                } else {
                    if (status >= 300 && status < 400) {
                        anomaly(CallbackAnomaly.REDIRECT);
                    }
                    stats.onRejected();
                    log.warn("{} callback to {} refused a message with status {}; not retried", session,
                            target.loggableOrigin(), status);
                    settled.complete(null);
                }
            });
        }

        private void anomaly(CallbackAnomaly anomaly) {
            observe(() -> observer.anomaly(target.applicationName(), anomaly));
        }

        private void refuse(CallbackRefusedException refusal) {
            stats.onRefused();
            observe(() -> observer.refused(target.applicationName(), refusal.refusal()));
            log.warn("{} callback to {} not sent: {} (socket {}, application {})", session, target.loggableOrigin(),
                    refusal.getMessage(), LogTag.of(target.socketId()), target.applicationName());
            settled.complete(null);
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
                    session, target.loggableOrigin(), attempts, failure, LogTag.of(target.socketId()), target.applicationName());
            settled.complete(null);
        }
    }
}

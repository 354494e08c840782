package io.wildcloud.ws.push.callback;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
    static final int MAX_HEAD_BYTES = 8192;

    private final CallbackPolicy policy;
    private final CallbackStats stats;
    private final CallbackObserver observer;
    private final ScheduledExecutorService timer;
    private final AsyncHttpClient http;
    /** The loops of the HTTP client and of name resolution: the node's, or {@link #ownLoops}. */
    private final EventLoopGroup loops;
    /** A loop of the sender's own when it is given none (tests, an embedded push module); else null. */
    private final EventLoopGroup ownLoops;
    /** Host names resolved on the loops, never blocking them; addresses need no resolution. */
    private final CallbackNames names;
    private final CallbackPermits permits;
    private final Backoff backoff;
    private final LoopTasks tasks;
    private volatile boolean closed;

    /**
     * @param loops the node's event loops, which the HTTP client then runs on (with its timeouts,
     *     {@link EventLoopTimer}) and host names are resolved on; {@code null} for a loop of its own
     */
    CallbackSender(CallbackPolicy policy, CallbackStats stats, CallbackObserver observer,
            ScheduledExecutorService timer, EventLoopGroup loops) {
        this.policy = policy;
        this.stats = stats;
        this.observer = observer;
        this.timer = timer;
        this.permits = new CallbackPermits(policy);
        this.backoff = new Backoff(policy);
        // AsyncHttpClient picks its channel type by the group's class: NioEventLoopGroup, as the node's.
        this.ownLoops = loops == null ? new NioEventLoopGroup(1, new DefaultThreadFactory("callback-http", true)) : null;
        this.loops = loops != null ? loops : ownLoops;
        this.tasks = new LoopTasks(this.loops);
        Duration connectTimeout = policy.timeout().compareTo(Duration.ofSeconds(5)) < 0
                ? policy.timeout() : Duration.ofSeconds(5);
        this.names = new CallbackNames(this.loops, connectTimeout.toMillis());
        // One Netty runtime per node: the client's channels and timeouts on the node's loops.
        DefaultAsyncHttpClientConfig.Builder config = Dsl.config()
                .setEventLoopGroup(this.loops).setNettyTimer(new EventLoopTimer(this.loops));
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
        names.close();
        try {
            http.close();
        } catch (IOException e) {
            log.warn("closing the callback HTTP client failed", e);
        }
        if (ownLoops != null) {
            ownLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
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
            permits.acquire(target).thenAccept(held -> tasks.afterThis(() -> start(number, held)));
        }

        /** Sends to the callback's address, or to what its name resolves to (on a loop: nothing blocks). */
        private void start(int number, CallbackPermits.Held held) {
            Optional<InetAddress> literal = policy.addresses().literal(target.callback());
            if (literal.isPresent()) {
                sendChecked(number, held, List.of(literal.get()));
                return;
            }
            String host = CallbackAddresses.host(target.callback());
            try {
                names.resolve(tasks.loop(), host, (addresses, error) -> {
                    if (error != null) {
                        held.release();
                        retryOrGiveUp(number, "cannot resolve " + host + ": " + error.getMessage());
                    } else {
                        sendChecked(number, held, addresses);
                    }
                });
            } catch (RejectedExecutionException e) {
                held.release();
                giveUp(number - 1, "the dispatcher closed");
            }
        }

        private void sendChecked(int number, CallbackPermits.Held held, List<InetAddress> addresses) {
            InetAddress address;
            try {
                address = policy.addresses().checkResolved(target.callback(), addresses);
            } catch (CallbackRefusedException e) {
                held.release();
                refuse(e);
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
                held.release();
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

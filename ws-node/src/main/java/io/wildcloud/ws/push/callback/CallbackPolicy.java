package io.wildcloud.ws.push.callback;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link CallbackDispatcher} POSTs client messages to applications.
 *
 * @param timeout the longest one attempt may take, connecting included; a timeout is retried
 * @param retryBudget how long after its first attempt a message is still retried; once the next
 *     attempt could not start within it, the message is given up
 * @param initialBackoff the ceiling of the first wait before a retry; each retry doubles it
 * @param maxBackoff the largest ceiling; each wait is random in [ceiling/2, ceiling] (jitter, so
 *     that many sessions failing together do not retry together)
 * @param maxConcurrency how many callback requests the node has in flight at once, over all
 *     applications; more wait their turn (a session's own messages always go one at a time)
 * @param maxConcurrencyPerApplication how many of those one application may have in flight, over
 *     all its callback origins, so that one slow or hostile application (one that hands out
 *     callbacks to many slow origins) cannot take every permit from the others; at most
 *     {@code maxConcurrency} takes effect
 * @param maxConnectionsPerHost pooled connections per application host
 * @param maxResponseBytes how much of an answer's body is read (and dropped: only the status
 *     counts); past it the connection is closed
 * @param addresses where callbacks may go ({@code callback-allow-networks}, the node's own ports)
 * @param maxBacklogBytes bytes of client messages the node holds for callbacks not yet settled, over
 *     all applications ({@link CallbackBacklog}); a dispatch past it is refused whole
 * @param maxBacklogBytesPerApplication the same for one application; at most {@code maxBacklogBytes}
 *     takes effect
 */
public record CallbackPolicy(
        Duration timeout,
        Duration retryBudget,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxConcurrency,
        int maxConcurrencyPerApplication,
        int maxConnectionsPerHost,
        int maxResponseBytes,
        CallbackAddresses addresses,
        long maxBacklogBytes,
        long maxBacklogBytesPerApplication) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(60);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONCURRENCY = 256;
    public static final int DEFAULT_MAX_CONCURRENCY_PER_APPLICATION = 64;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 64;
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
    /** Per application: one socket's 64 sessions with their 4 waiting sends of 64 KiB each; a SockJS client sends one at a time. */
    public static final long DEFAULT_MAX_BACKLOG_BYTES_PER_APPLICATION = 16L * 1024 * 1024;

    public CallbackPolicy {
        requirePositive("timeout", timeout);
        requirePositive("initialBackoff", initialBackoff);
        requirePositive("maxBackoff", maxBackoff);
        Objects.requireNonNull(retryBudget, "retryBudget");
        if (retryBudget.isNegative()) {
            throw new IllegalArgumentException("retryBudget must not be negative: " + retryBudget);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff: " + maxBackoff);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1: " + maxConcurrency);
        }
        if (maxConcurrencyPerApplication < 1) {
            throw new IllegalArgumentException("maxConcurrencyPerApplication must be at least 1: "
                    + maxConcurrencyPerApplication);
        }
        if (maxConnectionsPerHost < 1) {
            throw new IllegalArgumentException("maxConnectionsPerHost must be at least 1: " + maxConnectionsPerHost);
        }
        if (maxResponseBytes < 0) {
            throw new IllegalArgumentException("maxResponseBytes must not be negative: " + maxResponseBytes);
        }
        Objects.requireNonNull(addresses, "addresses");
        if (maxBacklogBytes < 1 || maxBacklogBytesPerApplication < 1) {
            throw new IllegalArgumentException("backlog bounds must be at least 1: " + maxBacklogBytes + ", "
                    + maxBacklogBytesPerApplication);
        }
    }

    /**
     * Public callback addresses only, answers read up to {@link #DEFAULT_MAX_RESPONSE_BYTES}, no
     * share per application below {@code maxConcurrency}.
     */
    public CallbackPolicy(Duration timeout, Duration retryBudget, Duration initialBackoff, Duration maxBackoff,
            int maxConcurrency, int maxConnectionsPerHost) {
        this(timeout, retryBudget, initialBackoff, maxBackoff, maxConcurrency, maxConcurrency, maxConnectionsPerHost,
                DEFAULT_MAX_RESPONSE_BYTES, CallbackAddresses.publicOnly(), defaultMaxBacklogBytes(),
                DEFAULT_MAX_BACKLOG_BYTES_PER_APPLICATION);
    }

    public CallbackPolicy withAddresses(CallbackAddresses allowed) {
        return new CallbackPolicy(timeout, retryBudget, initialBackoff, maxBackoff, maxConcurrency,
                maxConcurrencyPerApplication, maxConnectionsPerHost, maxResponseBytes, allowed, maxBacklogBytes,
                maxBacklogBytesPerApplication);
    }

    public CallbackPolicy withMaxResponseBytes(int bytes) {
        return new CallbackPolicy(timeout, retryBudget, initialBackoff, maxBackoff, maxConcurrency,
                maxConcurrencyPerApplication, maxConnectionsPerHost, bytes, addresses, maxBacklogBytes,
                maxBacklogBytesPerApplication);
    }

    public CallbackPolicy withMaxConcurrencyPerApplication(int perApplication) {
        return new CallbackPolicy(timeout, retryBudget, initialBackoff, maxBackoff, maxConcurrency,
                perApplication, maxConnectionsPerHost, maxResponseBytes, addresses, maxBacklogBytes,
                maxBacklogBytesPerApplication);
    }

    public CallbackPolicy withBacklog(long nodeBytes, long perApplicationBytes) {
        return new CallbackPolicy(timeout, retryBudget, initialBackoff, maxBackoff, maxConcurrency,
                maxConcurrencyPerApplication, maxConnectionsPerHost, maxResponseBytes, addresses, nodeBytes,
                perApplicationBytes);
    }

    /**
     * An eighth of the JVM's max heap, at most 1 GiB: a held message costs the heap about twice its
     * bytes (its text, and the request it came in while that is answered).
     */
    public static long defaultMaxBacklogBytes() {
        return Math.max(1, Math.min(Runtime.getRuntime().maxMemory() / 8, 1L << 30));
    }

    public static CallbackPolicy defaults() {
        return new CallbackPolicy(DEFAULT_TIMEOUT, DEFAULT_RETRY_BUDGET, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF,
                DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_CONNECTIONS_PER_HOST)
                .withMaxConcurrencyPerApplication(DEFAULT_MAX_CONCURRENCY_PER_APPLICATION);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}

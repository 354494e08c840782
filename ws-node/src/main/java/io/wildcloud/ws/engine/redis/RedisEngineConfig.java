package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Redis engine. Immutable; {@link #of(String)} gives the defaults for a Redis URL
 * (see {@link RedisEndpoint} for its forms) and the {@code with...} methods change one setting.
 *
 * @param endpoint where Redis is: one server, Sentinels or a cluster
 * @param keyPrefix put before every key and channel name, so that several deployments (or tests)
 *     share one Redis; default {@value #DEFAULT_KEY_PREFIX}
 * @param maxQueueLength most messages one session's queue holds; a batch that would overflow it is
 *     refused whole; default {@value #DEFAULT_MAX_QUEUE_LENGTH}
 * @param maxQueueBytes most bytes (UTF-8) of messages one session's queue holds; a batch that would
 *     overflow it is refused whole too; default {@value SessionStore#DEFAULT_MAX_QUEUE_BYTES}
 * @param commandTimeout how long one Redis command may take before it is retried (Redisson's
 *     {@code timeout})
 * @param retryAttempts how often a failed command is retried before the store reports
 *     {@code StoreUnavailableException}; so the worst case is about
 *     {@code commandTimeout * (retryAttempts + 1)}
 * @param connectTimeout how long connecting to Redis may take
 * @param holdTtl TTL of a held session's keys; the holding node renews it every third of it, so
 *     keys of a node that died without anyone taking its sessions over vanish after this
 * @param expiryMargin how much longer than its disconnect delay an unheld session's keys live, so
 *     that the expiry sweeper (not Redis) ends it and notifies once, and so that they outlive a
 *     store stall (see {@link #stallBound()}); a sweep leases due sessions for at most half of it,
 *     so that another node still ends one whose sweeping node died
 * @param sweepInterval how often each node looks for sessions past their disconnect delay
 * @param defaultDisconnectDelay the disconnect delay of a session that no receiver released yet
 * @param clientThreads Redisson's I/O threads (its listeners run on them) when it has none lent to
 *     it (a node lends its own event loops, see {@link SharedEventLoops}); default
 *     {@link #defaultClientThreads()}, the machine's cores but at least 2 (Redisson's own defaults,
 *     32 and 16, suit a big machine, not a node of a few cores with event loops of its own)
 * @param maxNewSocketsPerApplication new sockets one application may create per window of the
 *     socket idle timeout ({@link NewSocketQuota}); default
 *     {@value NewSocketQuota#DEFAULT_MAX_NEW_PER_APPLICATION}
 * @param maxNewSocketBytesPerApplication the charged bytes ({@link NewSocketQuota#chargedBytes}) of
 *     the sockets one application may create per window; default 1 GiB
 */
public record RedisEngineConfig(
        RedisEndpoint endpoint,
        String keyPrefix,
        int maxQueueLength,
        int maxQueueBytes,
        Duration commandTimeout,
        int retryAttempts,
        Duration connectTimeout,
        Duration holdTtl,
        Duration expiryMargin,
        Duration sweepInterval,
        Duration defaultDisconnectDelay,
        int clientThreads,
        long maxNewSocketsPerApplication,
        long maxNewSocketBytesPerApplication) {

    public static final String DEFAULT_KEY_PREFIX = "ws:";
    public static final int DEFAULT_MAX_QUEUE_LENGTH = 1000;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_RETRY_ATTEMPTS = 2;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_HOLD_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_EXPIRY_MARGIN = Duration.ofSeconds(40);
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_DISCONNECT_DELAY = Duration.ofSeconds(5);
    /** {@link #stallBound()} with the defaults: two thirds of the 60 s hold TTL, and the 40 s margin. */
    public static final Duration DEFAULT_STALL_BOUND = Duration.ofSeconds(40);
    /** The hold TTL, 1.5 times the bound, is renewed every third: at least 3 s. */
    public static final Duration MIN_STALL_BOUND = Duration.ofSeconds(2);
    /** A request waits the bound out: past a few minutes no balancer or client waits that long. */
    public static final Duration MAX_STALL_BOUND = Duration.ofMinutes(10);
    /** {@link #claimGrace()} unless the expiry margin is short. */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(3);

    public RedisEngineConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix must not contain { or } (they make Redis Cluster hash tags): "
                    + keyPrefix);
        }
        if (maxQueueLength < 1) {
            throw new IllegalArgumentException("maxQueueLength must be at least 1: " + maxQueueLength);
        }
        if (maxQueueBytes < 1) {
            throw new IllegalArgumentException("maxQueueBytes must be at least 1: " + maxQueueBytes);
        }
        if (retryAttempts < 0) {
            throw new IllegalArgumentException("retryAttempts must not be negative: " + retryAttempts);
        }
        positive("commandTimeout", commandTimeout);
        positive("connectTimeout", connectTimeout);
        positive("holdTtl", holdTtl);
        positive("expiryMargin", expiryMargin);
        positive("sweepInterval", sweepInterval);
        positive("defaultDisconnectDelay", defaultDisconnectDelay);
        if (maxNewSocketsPerApplication < 1) {
            throw new IllegalArgumentException("maxNewSocketsPerApplication must be at least 1: "
                    + maxNewSocketsPerApplication);
        }
        if (maxNewSocketBytesPerApplication < 1) {
            throw new IllegalArgumentException("maxNewSocketBytesPerApplication must be at least 1: "
                    + maxNewSocketBytesPerApplication);
        }
        if (clientThreads < 1) {
            throw new IllegalArgumentException("clientThreads must be at least 1: " + clientThreads);
        }
        if (holdTtl.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new IllegalArgumentException("holdTtl must be at least 3s (it is renewed every third): " + holdTtl);
        }
    }

    /** The defaults for a Redis at {@code url}. */
    public static RedisEngineConfig of(String url) {
        return new RedisEngineConfig(RedisEndpoint.parse(url), DEFAULT_KEY_PREFIX, DEFAULT_MAX_QUEUE_LENGTH,
                SessionStore.DEFAULT_MAX_QUEUE_BYTES,
                DEFAULT_COMMAND_TIMEOUT, DEFAULT_RETRY_ATTEMPTS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_HOLD_TTL,
                DEFAULT_EXPIRY_MARGIN, DEFAULT_SWEEP_INTERVAL, DEFAULT_DISCONNECT_DELAY, defaultClientThreads(),
                NewSocketQuota.DEFAULT_MAX_NEW_PER_APPLICATION, NewSocketQuota.DEFAULT_REDIS_MAX_NEW_BYTES_PER_APPLICATION);
    }

    /** The machine's cores, at least 2. */
    public static int defaultClientThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The longest store stall every session outlives (40 s with the defaults): two thirds of the
     * hold TTL, or the expiry margin if shorter. A held session's keys were renewed at most a third
     * of the hold TTL before the stall began; a released one's live its disconnect delay and the
     * margin. A claim or release Redis does not answer is sent again until this has passed
     * ({@link UnknownOutcomes}), so a client's poll or stream waits out such a stall.
     */
    public Duration stallBound() {
        Duration held = holdTtl.minus(holdTtl.dividedBy(3));
        return held.compareTo(expiryMargin) < 0 ? held : expiryMargin;
    }

    /**
     * How long after a released session's disconnect deadline a sweep or a takeover may end it
     * (3 s with the defaults): the longest a client's next request may spend inside a node between
     * its arrival and its claim reaching Redis (the socket look-up, then the claim, each behind the
     * node's other store calls: 1.5 s was seen at load 30-48). A claim whose request arrived before
     * the deadline finds its session within this (claim.lua counts the arrival); a session nobody
     * claims ends at most this late. A quarter of the expiry margin at most, so that the keys of a
     * session still outlive its check and a lease after it.
     */
    public Duration claimGrace() {
        Duration quarter = expiryMargin.dividedBy(4);
        return CLAIM_GRACE.compareTo(quarter) < 0 ? CLAIM_GRACE : quarter;
    }

    /**
     * Whether the node's presence channel uses sharded pub/sub (SSUBSCRIBE, SPUBLISH), which only a
     * Redis Cluster needs: there a ping's answer counts the subscribers of the shard that owns the
     * channel. Wake-ups never do (see the package documentation).
     */
    public boolean shardedPubSub() {
        return endpoint.mode() == RedisEndpoint.Mode.CLUSTER;
    }

    /**
     * Sessions outlive a store stall of {@code bound} (the node's {@code redis-stall-bound}): held
     * sessions' keys live 1.5 times it (renewed every third, so at least the bound is left when a
     * stall begins), and released ones' keys the bound beyond their disconnect delay.
     */
    public RedisEngineConfig withStallBound(Duration bound) {
        if (bound.compareTo(MIN_STALL_BOUND) < 0 || bound.compareTo(MAX_STALL_BOUND) > 0) {
            throw new IllegalArgumentException("the stall bound must be between " + MIN_STALL_BOUND.toSeconds()
                    + "s and " + MAX_STALL_BOUND.toSeconds() + "s: " + bound);
        }
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                bound.plus(bound.dividedBy(2)), bound, sweepInterval, defaultDisconnectDelay, clientThreads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withKeyPrefix(String prefix) {
        return new RedisEngineConfig(endpoint, prefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                holdTtl, expiryMargin, sweepInterval, defaultDisconnectDelay, clientThreads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withMaxQueueLength(int length) {
        return new RedisEngineConfig(endpoint, keyPrefix, length, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                holdTtl, expiryMargin, sweepInterval, defaultDisconnectDelay, clientThreads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withMaxQueueBytes(int bytes) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, bytes, commandTimeout, retryAttempts,
                connectTimeout, holdTtl, expiryMargin, sweepInterval, defaultDisconnectDelay, clientThreads,
                maxNewSocketsPerApplication, maxNewSocketBytesPerApplication);
    }

    /** The queue's bound as queue.lua's queueBound reads it, both bounds in one argument: {@code <messages>:<bytes>}. */
    String queueBoundArgument() {
        return maxQueueLength + ":" + maxQueueBytes;
    }

    public RedisEngineConfig withTimeouts(Duration command, int retries, Duration connect) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, command, retries, connect,
                holdTtl, expiryMargin, sweepInterval, defaultDisconnectDelay, clientThreads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withHoldTtl(Duration ttl) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                ttl, expiryMargin, sweepInterval, defaultDisconnectDelay, clientThreads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withSweepInterval(Duration interval) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                holdTtl, expiryMargin, interval, defaultDisconnectDelay, clientThreads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withDefaultDisconnectDelay(Duration delay) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                holdTtl, expiryMargin, sweepInterval, delay, clientThreads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withMaxNewSocketsPerApplication(long max) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                holdTtl, expiryMargin, sweepInterval, defaultDisconnectDelay, clientThreads, max,
                maxNewSocketBytesPerApplication);
    }

    public RedisEngineConfig withMaxNewSocketBytesPerApplication(long max) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                holdTtl, expiryMargin, sweepInterval, defaultDisconnectDelay, clientThreads, maxNewSocketsPerApplication,
                max);
    }

    public RedisEngineConfig withClientThreads(int threads) {
        return new RedisEngineConfig(endpoint, keyPrefix, maxQueueLength, maxQueueBytes, commandTimeout, retryAttempts, connectTimeout,
                holdTtl, expiryMargin, sweepInterval, defaultDisconnectDelay, threads, maxNewSocketsPerApplication,
                maxNewSocketBytesPerApplication);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}

package io.wildcloud.ws.engine.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names the reply keys that make the writing scripts safe to run twice. Redisson resends a
 * command that got no answer within its timeout, and a stalled Redis then runs the original and
 * every resend: a script that wrote records its answer under its call's reply key
 * ({@code <prefix>{<scope>}:r:<call id>}, in the slot of the keys it wrote), and a repeat finds it,
 * writes nothing and answers the same.
 *
 * <p>Call ids are unique across nodes and restarts: a random part drawn when the store starts and
 * a counter. A reply key lives {@link #ttlMillis()}: twice as long as Redisson's attempts at one
 * command take, and ten seconds more for the clocks of nodes and Redis to differ; a claim's, which
 * the node itself sends again through a stall, that and the stall bound more ({@link #claimTtlMillis()}).
 */
final class ReplyKeys {

    private final RedisKeys keys;
    private final long ttlMillis;
    private final long claimTtlMillis;
    private final String instance;
    private final AtomicLong counter = new AtomicLong();

    ReplyKeys(RedisKeys keys, RedisEngineConfig config) {
        this.keys = keys;
        this.ttlMillis = ttlFor(config).toMillis();
        this.claimTtlMillis = claimTtlFor(config).toMillis();
        this.instance = Long.toString(new SecureRandom().nextLong() >>> 1, 36);
    }

    /** How long Redisson may resend one command, doubled, plus ten seconds. */
    static Duration ttlFor(RedisEngineConfig config) {
        return config.commandTimeout().multipliedBy(2L * (config.retryAttempts() + 1)).plusSeconds(10);
    }

    /**
     * A claim's: it is sent again for up to {@link UnknownOutcomes#boundFor} after the first send,
     * and its last send's copies must still find the answer.
     */
    static Duration claimTtlFor(RedisEngineConfig config) {
        return ttlFor(config).plus(UnknownOutcomes.boundFor(config));
    }

    /** A fresh reply key in {@code scope}'s slot, for one call. */
    String next(String scope) {
        return keys.reply(scope, "c" + instance + '.' + Long.toString(counter.incrementAndGet(), 36));
    }

    long ttlMillis() {
        return ttlMillis;
    }

    long claimTtlMillis() {
        return claimTtlMillis;
    }
}

package io.wildcloud.ws.engine.redis;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.redisson.api.RBucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a Redis that lost its data from one that merely went away: the cluster's epoch, a random
 * value under {@code <prefix>epoch} that the first node writes (SET NX) and every node remembers.
 * The key has no TTL, so only a Redis restarted without persistence, or flushed, loses it (with
 * {@code maxmemory-policy noeviction}, as the README requires). A node that finds it missing or
 * changed knows that every session and socket it served is gone: it is told once
 * ({@code onLost}), then adopts the epoch anew (writing it if it is the first to notice).
 *
 * <p>On a Redis Cluster the key lives on one master: the loss of that master's data is seen, not
 * that of the others (run Cluster masters with replicas or AOF).
 */
final class StoreEpoch {

    private static final Logger LOG = LoggerFactory.getLogger(StoreEpoch.class);

    private final RBucket<String> bucket;
    private final PlainCommands commands;
    private final BiConsumer<String, String> onLost;
    private volatile String known;
    /** The check in flight; callers that come meanwhile share it. Guarded by this. */
    private CompletableFuture<Void> checking;

    /**
     * @param bucket the epoch key, string codec
     * @param onLost told (the epoch known, the one found or null) when the data was lost; runs
     *     before the node adopts the new epoch
     */
    StoreEpoch(RBucket<String> bucket, PlainCommands commands, BiConsumer<String, String> onLost) {
        this.bucket = bucket;
        this.commands = commands;
        this.onLost = onLost;
    }

    /** Writes the epoch if there is none and remembers the one in Redis; at start and after a loss. */
    CompletionStage<Void> establish() {
        String mine = UUID.randomUUID().toString();
        return commands.<Boolean>timed("set", () -> bucket.setIfAbsentAsync(mine))
                .thenCompose(written -> written
                        ? CompletableFuture.completedFuture(mine)
                        : commands.<String>timed("get", bucket::getAsync))
                .thenAccept(epoch -> known = epoch);
    }

    /**
     * Compares the epoch in Redis with the one this node knows; if it is missing or changed, tells
     * {@code onLost} and adopts the new one. Calls made while a check runs share it. Fails when
     * Redis does not answer (nothing is concluded then).
     */
    synchronized CompletionStage<Void> verify() {
        if (checking != null) {
            return checking;
        }
        CompletableFuture<Void> check = commands.<String>timed("get", bucket::getAsync)
                .thenCompose(found -> {
                    String expected = known;
                    if (expected == null || expected.equals(found)) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    try {
                        onLost.accept(expected, found);
                    } catch (RuntimeException e) {
                        LOG.warn("handling the loss of the store's data failed", e);
                    }
                    return establish();
                })
                .toCompletableFuture();
        checking = check;
        check.whenComplete((done, error) -> {
            synchronized (this) {
                if (checking == check) {
                    checking = null;
                }
            }
        });
        return check;
    }

    /** The epoch this node knows (null before the start completed). */
    String known() {
        return known;
    }
}

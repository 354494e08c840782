package io.wildcloud.ws.engine.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the TTL of every session this node holds, every third of the hold TTL, in one pipelined
 * batch of touch.lua calls (with one ZADD that moves their expiry index entries ahead); and,
 * since touch.lua checks the holder, evicts the
 * receivers whose slot another node took (this node was judged dead while it had lost Redis) or
 * whose session is gone. Also run at once when the node's connection to Redis comes back.
 */
final class HoldKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(HoldKeeper.class);
    private static final long HELD = 1;

    private final RedissonClient redisson;
    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final Supplier<List<HeldReceiver>> held;
    private final ExpirySweeper sweeper;
    private final ScheduledExecutorService timer;
    private final Duration holdTtl;
    private volatile boolean stopped;

    HoldKeeper(RedissonClient redisson, LuaScripts scripts, RedisKeys keys, Supplier<List<HeldReceiver>> held,
            ExpirySweeper sweeper, ScheduledExecutorService timer, Duration holdTtl) {
        this.sweeper = sweeper;
        this.redisson = redisson;
        this.scripts = scripts;
        this.keys = keys;
        this.held = held;
        this.timer = timer;
        this.holdTtl = holdTtl;
    }

    void start() {
        long period = holdTtl.toMillis() / 3;
        timer.scheduleWithFixedDelay(this::renewQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
    }

    private void renewQuietly() {
        // A batch built on a client that is shutting down is never sent, and Redisson then never
        // releases the buffers it encoded the arguments into (a leak report in the fault tests).
        if (!stopped && !redisson.isShuttingDown() && !redisson.isShutdown()) {
            renew();
        }
    }

    /** Renews and checks every held slot now; completes when the answers are in. */
    CompletableFuture<Void> renew() {
        List<HeldReceiver> receivers = new ArrayList<>(held.get());
        receivers.removeIf(HeldReceiver::isEnded);
        if (receivers.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        RBatch batch = redisson.createBatch(BatchOptions.defaults());
        RScriptAsync script = batch.getScript(StringCodec.INSTANCE);
        List<RFuture<Long>> answers = new ArrayList<>(receivers.size());
        String ttl = Long.toString(holdTtl.toMillis());
        Map<String, Double> deadlines = new HashMap<>();
        double deadline = sweeper.heldDeadline();
        for (HeldReceiver receiver : receivers) {
            List<Object> sessionKeys = keys.sessionKeys(receiver.key());
            answers.add(script.evalShaAsync((String) sessionKeys.get(0), RScript.Mode.READ_WRITE,
                    scripts.touch.sha(), RScript.ReturnType.LONG, sessionKeys, receiver.receiverId(), ttl));
            deadlines.put(RedisKeys.expiryMember(receiver.key()), deadline);
        }
        // Keep the held sessions' expiry entries ahead of now: only a dead node's come due.
        batch.<String>getScoredSortedSet(keys.expiryIndex(), StringCodec.INSTANCE).addAllAsync(deadlines);
        long started = System.nanoTime();
        return batch.executeAsync().toCompletableFuture().handle((result, error) -> {
            // One round trip renews them all: timed once, as one touch.
            scripts.touch.record(started, error != null);
            if (error != null) {
                onBatchFailed(error);
                return null;
            }
            for (int i = 0; i < receivers.size(); i++) {
                Long answer = answers.get(i).toCompletableFuture().getNow(null);
                if (answer != null && answer != HELD) {
                    receivers.get(i).evict();
                }
            }
            return null;
        });
    }

    private void onBatchFailed(Throwable error) {
        if (LuaScript.isNoScript(error)) {
            // Redis lost its scripts (restarted or failed over): load them, renew right after.
            LOG.info("Redis lost the engine's scripts: loading them again");
            scripts.loadAll(redisson.getScript(StringCodec.INSTANCE)).thenRun(this::renew);
        } else {
            LOG.warn("renewing held sessions failed, next try in {}: {}", holdTtl.dividedBy(3), error.toString());
        }
    }
}

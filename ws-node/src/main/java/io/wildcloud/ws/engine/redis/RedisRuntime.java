package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.Codec;

/**
 * What every part of the Redis engine shares, built once by {@link RedisEngine} and handed to the
 * parts: the Redisson client, the key names, the scripts, the {@link CommandGate} every command
 * passes (and the {@link StoreWatch} it feeds), the pipeline of frequent script calls, the one
 * timer thread that runs sweeps, renewals and acknowledgement batches, and Redis's clock as the
 * node reckons it ({@link StoreClock}).
 */
record RedisRuntime(RedissonClient redisson, RedisEngineConfig config, String nodeId, RedisKeys keys,
        RScriptAsync script, LuaScripts scripts, CommandGate gate, StoreWatch watch, PlainCommands commands,
        RedisMetrics metrics, ScheduledExecutorService timer, ReplyKeys replies, ScriptPipeline pipeline,
        StoreClock clock) {

    static RedisRuntime on(RedissonClient redisson, RedisEngineConfig config, String nodeId, RedisMetrics metrics) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "ws-redis-store-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
        // On close, waiting sweeps and retries are dropped; the one running may finish (see shutdown).
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        StoreWatch watch = new StoreWatch();
        CommandGate gate = new CommandGate(() -> !redisson.isShuttingDown() && !redisson.isShutdown(), watch);
        LuaScripts scripts = new LuaScripts();
        scripts.guard(gate);
        scripts.meter(metrics);
        RedisKeys keys = new RedisKeys(config.keyPrefix());
        RScriptAsync script = redisson.getScript(HeapStringCodec.INSTANCE);
        ReplyKeys replies = new ReplyKeys(keys, config);
        return new RedisRuntime(redisson, config, nodeId, keys, script, scripts, gate, watch,
                new PlainCommands(metrics, gate), metrics, timer, replies,
                new ScriptPipeline(redisson, script, scripts, gate, replies), new StoreClock());
    }

    /** Whether the store is a Redis Cluster, where a script's keys must share a slot. */
    boolean cluster() {
        return config.endpoint().mode() == RedisEndpoint.Mode.CLUSTER;
    }

    /** What batched script calls of {@code key} may share a run with: its scope on a Cluster, anything elsewhere. */
    String scriptGroup(SessionKey key) {
        return cluster() ? key.scope() : "";
    }

    /**
     * What script calls naming only {@code key}'s session keys may share a run with: its Cluster
     * slot (so that sessions of different sockets in one slot go in one call: a hold renewal is
     * then at most one call per slot, 16,384, however many sockets a node holds), anything elsewhere.
     */
    String slotGroup(SessionKey key) {
        return cluster() ? Integer.toString(ClusterSlots.of(keys.session(key))) : "";
    }

    /** A topic sharded on a Cluster (presence), plain elsewhere. */
    RTopic topic(String name, Codec codec) {
        return config.shardedPubSub() ? redisson.getShardedTopic(name, codec) : redisson.getTopic(name, codec);
    }

    /** Stops the timer, drains the gate, then shuts the Redisson client down. */
    void shutdown() {
        timer.shutdown();
        // A timer task or a Redis answer may be handing a command to Redisson right now: shut down
        // under it, Redisson would drop the command without releasing its encoded arguments.
        gate.close(Duration.ofSeconds(2));
        if (!redisson.isShuttingDown() && !redisson.isShutdown()) {
            redisson.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}

package io.wildcloud.ws.engine.redis;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Sends the engine's plain Redis commands (those no Lua script runs) and times them in their
 * {@link RedisMetrics} meters.
 */
final class PlainCommands {

    private final RedisMetrics metrics;
    private final CommandGate gate;
    private final ConcurrentHashMap<String, RedisMetrics.CommandMeter> meters = new ConcurrentHashMap<>();

    /** @param gate what the commands pass through to Redisson */
    PlainCommands(RedisMetrics metrics, CommandGate gate) {
        this.metrics = metrics;
        this.gate = gate;
    }

    /** Whether the Redis client still sends commands. */
    boolean clientUsable() {
        return gate.open();
    }

    /** Sends {@code call} (a {@code command}, lower case as Redis names it) and times it. */
    <T> CompletionStage<T> timed(String command, Supplier<? extends CompletionStage<T>> call) {
        return gate.handOver(() -> meters.computeIfAbsent(command, metrics::command).time(call));
    }

    /**
     * As {@link #timed}, for {@code subscribe} and {@code unsubscribe}: timed, but not watched for
     * the health check (see {@link CommandGate#handOver(Supplier, boolean)}).
     */
    <T> CompletionStage<T> subscription(String command, Supplier<? extends CompletionStage<T>> call) {
        return gate.handOver(() -> meters.computeIfAbsent(command, metrics::command).time(call), false);
    }
}

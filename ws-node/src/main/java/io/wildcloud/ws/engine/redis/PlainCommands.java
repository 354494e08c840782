package io.wildcloud.ws.engine.redis;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Times the engine's plain Redis commands (those no Lua script runs) in their {@link RedisMetrics} meters. */
final class PlainCommands {

    private final RedisMetrics metrics;
    private final ConcurrentHashMap<String, RedisMetrics.CommandMeter> meters = new ConcurrentHashMap<>();

    PlainCommands(RedisMetrics metrics) {
        this.metrics = metrics;
    }

    /** Sends {@code call} (a {@code command}, lower case as Redis names it) and times it. */
    <T> CompletionStage<T> timed(String command, Supplier<? extends CompletionStage<T>> call) {
        return meters.computeIfAbsent(command, metrics::command).time(call);
    }
}

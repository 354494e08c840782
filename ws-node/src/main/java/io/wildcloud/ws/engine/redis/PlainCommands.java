package io.wildcloud.ws.engine.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Sends the engine's plain Redis commands (those no Lua script runs) and times them in their
 * {@link RedisMetrics} meters.
 */
final class PlainCommands {

    private final RedisMetrics metrics;
    private final BooleanSupplier clientUsable;
    private final ConcurrentHashMap<String, RedisMetrics.CommandMeter> meters = new ConcurrentHashMap<>();

    /** @param clientUsable whether the Redis client still sends commands (not shut down or shutting down) */
    PlainCommands(RedisMetrics metrics, BooleanSupplier clientUsable) {
        this.metrics = metrics;
        this.clientUsable = clientUsable;
    }

    /** Whether the Redis client still sends commands. */
    boolean clientUsable() {
        return clientUsable.getAsBoolean();
    }

    /** Sends {@code call} (a {@code command}, lower case as Redis names it) and times it. */
    <T> CompletionStage<T> timed(String command, Supplier<? extends CompletionStage<T>> call) {
        if (!clientUsable()) {
            // Redisson encodes a command's arguments before it finds itself shut down, and then never
            // releases those buffers: do not hand it the command at all.
            return CompletableFuture.failedFuture(new IllegalStateException("the Redis client is shut down"));
        }
        return meters.computeIfAbsent(command, metrics::command).time(call);
    }
}

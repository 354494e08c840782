package io.wildcloud.ws.engine.redis;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What the Redis engine tells the node's metrics, without depending on a metrics library. Script
 * meters are resolved once per script at start, so a call costs a clock read and a record.
 */
public interface RedisMetrics {

    /** Records nothing. */
    RedisMetrics NONE = new RedisMetrics() {
    };

    /** Records the calls of one Lua script. Called on Redisson's threads: quick, non-blocking. */
    @FunctionalInterface
    interface ScriptMeter {

        ScriptMeter NONE = (nanos, failed) -> { };

        /** One call answered (or failed, {@code failed}) after {@code nanos}, queueing in the node included. */
        void record(long nanos, boolean failed);
    }

    /** The meter of the script {@code name} (the file name under {@code resources/redis}, without {@code .lua}). */
    default ScriptMeter script(String name) {
        return ScriptMeter.NONE;
    }

    /**
     * Called once at start with what to read at scrape time: how many scope channels this node is
     * subscribed to, and whether its presence subscription was found up by the last check.
     */
    default void subscriptions(IntSupplier scopeChannels, BooleanSupplier presenceUp) {
    }
}

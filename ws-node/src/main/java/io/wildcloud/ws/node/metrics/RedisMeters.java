package io.wildcloud.ws.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wildcloud.ws.engine.redis.RedisMetrics;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** {@link RedisMetrics} on Micrometer: a timer and an error counter per Lua script, subscription gauges. */
public final class RedisMeters implements RedisMetrics {

    private final MeterRegistry registry;
    private final boolean percentileHistogram;

    /** @param percentileHistogram whether script latency gets Micrometer's percentile histogram */
    public RedisMeters(MeterRegistry registry, boolean percentileHistogram) {
        this.registry = registry;
        this.percentileHistogram = percentileHistogram;
    }

    @Override
    public ScriptMeter script(String name) {
        Timer timer = Timer.builder("ws.redis.command")
                .description("Lua script calls of the Redis engine, answered or failed, and how long they took")
                .tag("script", name)
                .publishPercentileHistogram(percentileHistogram)
                .register(registry);
        Counter errors = Counter.builder("ws.redis.errors")
                .description("Lua script calls of the Redis engine that failed")
                .tag("script", name)
                .register(registry);
        return (nanos, failed) -> {
            timer.record(nanos, TimeUnit.NANOSECONDS);
            if (failed) {
                errors.increment();
            }
        };
    }

    @Override
    public void subscriptions(IntSupplier scopeChannels, BooleanSupplier presenceUp) {
        Gauge.builder("ws.redis.subscriptions", scopeChannels, IntSupplier::getAsInt)
                .description("Scope channels (wake-up pub/sub) this node is subscribed to")
                .strongReference(true)
                .register(registry);
        Gauge.builder("ws.redis.presence.up", presenceUp, up -> up.getAsBoolean() ? 1 : 0)
                .description("1 while this node's presence subscription is in place (checked every sweep), else 0")
                .strongReference(true)
                .register(registry);
    }
}

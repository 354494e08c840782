package io.wildcloud.ws.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wildcloud.ws.engine.redis.RedisMetrics;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * {@link RedisMetrics} on Micrometer: a timer and an error counter per Lua script and per plain
 * command, subscription gauges.
 */
public final class RedisMeters implements RedisMetrics {

    /** The {@code script} tag of a plain command. */
    static final String NO_SCRIPT = "none";

    private final MeterRegistry registry;
    private final boolean percentileHistogram;
    private final Counter takeoverLate;
    private final Map<Kept, Counter> keptReleases = new EnumMap<>(Kept.class);
    private final Map<Kept, Counter> keptEnds = new EnumMap<>(Kept.class);

    /** @param percentileHistogram whether script latency gets Micrometer's percentile histogram */
    public RedisMeters(MeterRegistry registry, boolean percentileHistogram) {
        this.registry = registry;
        this.percentileHistogram = percentileHistogram;
        // Registered at start, so that an alert's series exists at zero.
        this.takeoverLate = Counter.builder("ws.redis.takeover.late")
                .description("Sessions of a dead node found gone by a takeover that came after their keys may have"
                        + " expired: heard of as ended then, some possibly twice")
                .register(registry);
        for (Kept outcome : Kept.values()) {
            // Releases past their bound are given up, never refused: no such series for them.
            if (outcome != Kept.REFUSED) {
                keptReleases.put(outcome, Counter.builder("ws.redis.release.kept")
                        .description("Releases Redis left unanswered past the stall bound: kept and sent again, made"
                                + " late (answered at last), or given up (their keys lapse unnoticed)")
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .register(registry));
            }
            keptEnds.put(outcome, Counter.builder("ws.redis.end.kept")
                    .description("Ends of sessions whose connection is gone that Redis left unanswered past the stall"
                            + " bound: kept and sent again, made late (the application told at last), or given up;"
                            + " or refused unsent (too many waiting)")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
    }

    @Override
    public void takeoverLate(int sessions) {
        takeoverLate.increment(sessions);
    }

    @Override
    public void keptRelease(Kept outcome) {
        keptReleases.get(outcome).increment();
    }

    @Override
    public void keptEnd(Kept outcome) {
        keptEnds.get(outcome).increment();
    }

    @Override
    public CommandMeter script(String name) {
        return meter("evalsha", name);
    }

    @Override
    public CommandMeter command(String name) {
        return meter(name, NO_SCRIPT);
    }

    /** One command's meters; every series carries both tags (Prometheus wants one tag set per name). */
    private CommandMeter meter(String command, String script) {
        Timer timer = Timer.builder("ws.redis.command")
                .description("Redis commands of the Redis engine (Lua scripts and plain commands), answered or failed,"
                        + " and how long they took")
                .tag("command", command)
                .tag("script", script)
                .publishPercentileHistogram(percentileHistogram)
                .register(registry);
        Counter errors = Counter.builder("ws.redis.errors")
                .description("Redis commands of the Redis engine that failed")
                .tag("command", command)
                .tag("script", script)
                .register(registry);
        return (nanos, failed) -> {
            timer.record(nanos, TimeUnit.NANOSECONDS);
            if (failed) {
                errors.increment();
            }
        };
    }

    @Override
    public void subscriptions(IntSupplier wakeupChannels, BooleanSupplier presenceUp) {
        Gauge.builder("ws.redis.subscriptions", wakeupChannels, IntSupplier::getAsInt)
                .description("1 once this node is subscribed to its wake-up channel, else 0")
                .strongReference(true)
                .register(registry);
        Gauge.builder("ws.redis.presence.up", presenceUp, up -> up.getAsBoolean() ? 1 : 0)
                .description("1 while this node's presence subscription is in place (checked every sweep), else 0")
                .strongReference(true)
                .register(registry);
    }

    @Override
    public void storeHealth(BooleanSupplier answering, BooleanSupplier full, LongSupplier unansweredMillis) {
        Gauge.builder("ws.redis.healthy", answering, up -> up.getAsBoolean() ? 1 : 0)
                .description("1 while Redis answers the store's commands (none waited 1.5 s unanswered), else 0")
                .strongReference(true)
                .register(registry);
        Gauge.builder("ws.redis.full", full, f -> f.getAsBoolean() ? 1 : 0)
                .description("1 while Redis refuses writes for want of memory (OOM, maxmemory with noeviction), else 0")
                .strongReference(true)
                .register(registry);
        Gauge.builder("ws.redis.unanswered", unansweredMillis, ms -> ms.getAsLong() / 1000.0)
                .description("How long the oldest Redis command still waiting for its answer has waited")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
    }
}

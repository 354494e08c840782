package io.wildcloud.ws.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.PushMetrics.SessionRefusal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link PushMetrics} on Micrometer: one timer per publish outcome (its count is the request
 * count), with a few latency buckets rather than a full percentile histogram, and the overflow
 * counter, and the length of the queues publishes add to.
 */
public final class PushMeters implements PushMetrics {

    /** Latency buckets of publish requests: enough to see a slow store, cheap to scrape. */
    static final Duration[] PUBLISH_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(500)};

    /**
     * Queue length buckets: 1 is a reader that keeps up, tens a slow one or a burst, hundreds one
     * nearing the default bound of 1024 (max-queued-messages).
     */
    static final double[] QUEUE_DEPTH_BUCKETS = {1, 2, 10, 100, 500, 1000};

    private final Timer[] publishes = new Timer[PublishOutcome.values().length];
    private final Counter overflows;
    private final DistributionSummary queueDepth;
    private final Counter revoked;
    private final Counter[] sessionsRefused = new Counter[SessionRefusal.values().length];

    /** @param percentileHistogram whether publish latency also gets Micrometer's full percentile histogram */
    public PushMeters(MeterRegistry registry, boolean percentileHistogram) {
        for (PublishOutcome outcome : PublishOutcome.values()) {
            publishes[outcome.ordinal()] = Timer.builder("ws.publish")
                    .description("Publish requests of the API, by outcome, and how long they took")
                    .tag("outcome", outcome.tag())
                    .serviceLevelObjectives(PUBLISH_BUCKETS)
                    .publishPercentileHistogram(percentileHistogram)
                    .register(registry);
        }
        overflows = Counter.builder("ws.queue.overflows")
                .description("Messages refused by a session queue that was full")
                .register(registry);
        queueDepth = DistributionSummary.builder("ws.session.queue.depth")
                .description("Messages in a session's queue right after a publish queued one there (this one included)")
                .serviceLevelObjectives(QUEUE_DEPTH_BUCKETS)
                .register(registry);
        // The same series as the SockJS layer's closes, under its own reason.
        revoked = Counter.builder("ws.sessions.closed")
                .description("Sessions ended, counted on the node where the end took effect")
                .tag("reason", "revoked")
                .register(registry);
        for (SessionRefusal reason : SessionRefusal.values()) {
            sessionsRefused[reason.ordinal()] = Counter.builder("ws.sessions.refused")
                    .description("New sessions refused (closed in place of their open frame), by reason")
                    .tag("reason", reason.tag())
                    .register(registry);
        }
    }

    @Override
    public void sessionRefused(SessionRefusal reason) {
        sessionsRefused[reason.ordinal()].increment();
    }

    @Override
    public void sessionsRevoked(int sessions) {
        revoked.increment(sessions);
    }

    @Override
    public void published(PublishOutcome outcome, long nanos) {
        publishes[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void queueDepth(int messages) {
        queueDepth.record(messages);
    }

    @Override
    public void queueOverflows(int sessions) {
        overflows.increment(sessions);
    }
}

package io.wildcloud.ws.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wildcloud.ws.push.callback.CallbackAnomaly;
import io.wildcloud.ws.push.callback.CallbackObserver;
import io.wildcloud.ws.push.callback.CallbackRefusal;
import io.wildcloud.ws.push.callback.CallbackStats;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Callbacks on Micrometer: the latency of each HTTP attempt (a timer per application and status
 * class, found in a map: applications are configured, so the set is bounded) through the
 * {@link CallbackObserver} hook, and the dispatcher's {@link CallbackStats} read at scrape time.
 */
public final class CallbackMeters implements CallbackObserver {

    private static final String[] STATUS_CLASSES = {"network", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final boolean percentileHistogram;
    private final Map<String, Timer[]> latency = new ConcurrentHashMap<>();

    /** @param percentileHistogram whether callback latency gets Micrometer's percentile histogram */
    public CallbackMeters(MeterRegistry registry, boolean percentileHistogram) {
        this.registry = registry;
        this.percentileHistogram = percentileHistogram;
    }

    /** Registers the counters and gauges that read {@code stats}; call once, when the dispatcher exists. */
    public void bind(CallbackStats stats) {
        counter("ws.callback.calls", "HTTP requests to applications' callback URLs, first tries and retries",
                stats, CallbackStats::attempts);
        counter("ws.callback.retries", "Callback requests that retried an earlier failed one", stats,
                CallbackStats::retries);
        counter("ws.callback.delivered", "Client messages an application took (2xx)", stats,
                CallbackStats::delivered);
        counter("ws.callback.rejected", "Client messages an application refused (3xx, 4xx): not retried", stats,
                CallbackStats::rejected);
        counter("ws.callback.failures", "Client messages given up: retry budget spent, or the node stopped",
                stats, CallbackStats::givenUp);
        counter("ws.callback.backlog.refused", "Client messages refused whole, never accepted: their application's"
                + " (callback-backlog-bytes-per-application) or the node's (callback-backlog-bytes) backlog of messages"
                + " waiting for callbacks was full", stats, CallbackStats::backlogRefused);
        for (CallbackRefusal refusal : CallbackRefusal.values()) {
            for (String stage : new String[] {"authorize", "connect"}) {
                Counter.builder("ws.callback.refused")
                        .description("Callbacks refused because their address is not allowed (SSRF guard): authorizes"
                                + " answered 400, or messages not sent")
                        .tag("reason", refusal.tag()).tag("stage", stage).register(registry);
            }
        }
        for (CallbackAnomaly anomaly : CallbackAnomaly.values()) {
            Counter.builder("ws.callback.anomalies")
                    .description("Callback answers cut short or not followed: body or head too large, timeout, redirect")
                    .tag("kind", anomaly.tag()).register(registry);
        }
        Gauge.builder("ws.callback.in.flight", stats, CallbackStats::inFlight)
                .description("Callback requests on the wire now").register(registry);
        Gauge.builder("ws.callback.pending", stats, CallbackStats::pending)
                .description("Client messages accepted and not yet delivered, rejected or given up")
                .register(registry);
        Gauge.builder("ws.callback.backlog", stats, CallbackStats::backlogBytes).baseUnit("bytes")
                .description("Bytes of client messages accepted and not yet settled, as callback-backlog-bytes counts them")
                .register(registry);
    }

    private void counter(String name, String description, CallbackStats stats, ToDoubleFunction<CallbackStats> f) {
        FunctionCounter.builder(name, stats, f).description(description).register(registry);
    }

    @Override
    public void refused(String application, CallbackRefusal refusal) {
        registry.counter("ws.callback.refused", "reason", refusal.tag(), "stage", "connect").increment();
    }

    @Override
    public void refusedAtAuthorize(String application, CallbackRefusal refusal) {
        registry.counter("ws.callback.refused", "reason", refusal.tag(), "stage", "authorize").increment();
    }

    @Override
    public void anomaly(String application, CallbackAnomaly anomaly) {
        registry.counter("ws.callback.anomalies", "kind", anomaly.tag()).increment();
    }

    @Override
    public void attemptEnded(String application, Duration took, int status) {
        int statusClass = status < 100 || status > 599 ? 0 : status / 100;
        latency.computeIfAbsent(application, this::timers)[statusClass].record(took);
    }

    private Timer[] timers(String application) {
        Timer[] timers = new Timer[STATUS_CLASSES.length];
        for (int i = 0; i < timers.length; i++) {
            timers[i] = Timer.builder("ws.callback.latency")
                    .description("How long each callback request took, by application and answer's status class")
                    .tag("application", application)
                    .tag("status", STATUS_CLASSES[i])
                    .publishPercentileHistogram(percentileHistogram)
                    .register(registry);
        }
        return timers;
    }
}

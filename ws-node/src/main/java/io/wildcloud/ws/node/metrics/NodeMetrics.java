package io.wildcloud.ws.node.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The node's meter registry, exposed in Prometheus text format at {@code /metrics} on the API port.
 * Every meter carries the tag {@code node}, so a cluster's series stay apart when scraped together.
 */
public final class NodeMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final SharedRenders renders =
            new SharedRenders(() -> registry.scrape().getBytes(StandardCharsets.UTF_8), "metrics-render");

    public NodeMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Netty allocates its direct buffers without a Cleaner, so the JVM's buffer pool gauges
        // miss them; this is the figure that -XX:MaxDirectMemorySize and OOMs are about.
        io.micrometer.core.instrument.Gauge.builder("ws.netty.direct.memory",
                        io.netty.util.internal.PlatformDependent::usedDirectMemory)
                .baseUnit("bytes")
                .description("Direct memory Netty holds now (-1 when Netty does not count it)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The current values in Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The values in Prometheus text exposition format, rendered off the caller's thread after this
     * call, one render at a time per node, shared by the scrapes that wait for it ({@link SharedRenders}).
     */
    CompletableFuture<SharedRenders.Rendered> scrapeSoon() {
        return renders.request();
    }

    /** The last completed render, or null: a scrape that arrived when fewer than its number had started may take it. */
    SharedRenders.Rendered lastRender() {
        return renders.last();
    }

    /** How many scrapes the node has started rendering; scrapes that shared a render count once. */
    long renders() {
        return renders.started();
    }

    @Override
    public void close() {
        renders.close();
        gcMetrics.close();
        registry.close();
    }
}

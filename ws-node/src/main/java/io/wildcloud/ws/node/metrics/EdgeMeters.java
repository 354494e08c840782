package io.wildcloud.ws.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wildcloud.ws.node.http.Refusal;
import io.wildcloud.ws.node.http.WriteMemory;
import io.wildcloud.ws.node.http.WriteMemory.CutOff;
import java.util.EnumMap;
import java.util.Map;

/**
 * The meters of one port's edge: {@code ws.http.refused{port, reason}} for what the connection
 * guard refuses or ends, and {@code ws.connections.cut.off{port, reason}} for peers cut off past
 * {@code max-write-backlog} or {@code max-write-memory}, and the gauge {@code ws.write.memory.reserved{port}}.
 * Every tag combination is registered up front, so each series is scraped (at zero) from the start
 * and alert rules can name it.
 */
public final class EdgeMeters {

    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final Map<CutOff, Counter> cutOff = new EnumMap<>(CutOff.class);
    private final MeterRegistry registry;
    private final String port;

    /** @param port the {@code port} tag: {@code public} or {@code api} */
    public EdgeMeters(MeterRegistry registry, String port) {
        this.registry = registry;
        this.port = port;
        for (Refusal reason : Refusal.values()) {
            refused.put(reason, Counter.builder("ws.http.refused")
                    .description("Connections and requests the connection guard refused or ended, by reason")
                    .tag("port", port)
                    .tag("reason", reason.tag())
                    .register(registry));
        }
        for (CutOff reason : CutOff.values()) {
            cutOff.put(reason, Counter.builder("ws.connections.cut.off")
                    .description("Connections closed because their peer did not read, by the bound it passed")
                    .tag("port", port)
                    .tag("reason", reason.tag())
                    .register(registry));
        }
    }

    /** Counts this port's refusals; for its {@code ConnectionGuards}. */
    public Refusal.Counter refusals() {
        return reason -> refused.get(reason).increment();
    }

    /** Counts this port's connections cut off; for its {@code WriteMemory}. */
    public CutOff.Counter cutOffs() {
        return reason -> cutOff.get(reason).increment();
    }

    /** Shows what the port's connections hold of its {@code max-write-memory} share now. */
    public void watch(WriteMemory memory) {
        Gauge.builder("ws.write.memory.reserved", memory, WriteMemory::reserved)
                .description("Bytes of write backlogs counted against the port's share of max-write-memory")
                .baseUnit("bytes")
                .tag("port", port)
                .register(registry);
    }
}

package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.node.http.ClientErrorLog;
import io.wildcloud.ws.node.http.ConnectionGuards;
import io.wildcloud.ws.node.http.DrainingConnections;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.Refusal;
import io.wildcloud.ws.node.http.WriteBacklogLimit;
import io.wildcloud.ws.node.http.WriteMemory;
import io.wildcloud.ws.node.metrics.MetricsHandler;
import io.wildcloud.ws.node.metrics.NodeMetrics;
import io.wildcloud.ws.sockjs.http.ClientScriptHandler;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.testmode.ProtocolTestEndpoints;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipelines {@link PipelineNames} lists and draws are the ones the node's initializers build:
 * each port's as built, and the public port's once a websocket is open (after Netty's handshake
 * rearranged it).
 */
class PipelinesTest {

    private static final Path NAMES_SOURCE =
            Path.of("src", "main", "java", "io", "wildcloud", "ws", "edge", "PipelineNames.java");

    private final NodeConfig config = NodeConfig.from(Settings.load(new String[] {"--node-id=pipes"}, Map.of()));
    private final NodeMetrics metrics = new NodeMetrics("pipes");
    private final HealthHandler health = new HealthHandler("pipes", "memory", () -> null, () -> false);
    private final DrainingConnections connections = new DrainingConnections();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        metrics.close();
    }

    @Test
    void publicPort() {
        assertEquals(PipelineNames.PUBLIC_PORT, handlerNames(publicChannel()));
    }

    @Test
    void apiPort() {
        ApiChannelInitializer api = new ApiChannelInitializer(health, () -> new MetricsHandler(metrics), null, null,
                connections, this::backlogLimit, guards("api"), null);
        EmbeddedChannel channel = channel();
        api.addHandlers(channel.pipeline());
        assertEquals(PipelineNames.API_PORT, handlerNames(channel));
    }

    @Test
    void anOpenWebsocket() {
        EmbeddedChannel channel = publicChannel();
        // The connection has moved to a worker loop, as a real one has by its first non-health request
        // (IntakeHandoff removes itself then; an embedded channel has no loop to move to).
        channel.pipeline().remove(PipelineNames.INTAKE_HANDOFF);
        channel.writeInbound(Unpooled.copiedBuffer("GET /echo/000/s1/websocket HTTP/1.1\r\nHost: x\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n", StandardCharsets.US_ASCII));
        channel.runPendingTasks();
        assertTrue(SockJsChannels.read(channel).startsWith("HTTP/1.1 101 "), "the upgrade is answered");
        assertEquals(PipelineNames.WEBSOCKET_CONNECTION, handlerNames(channel));
    }

    @Test
    void theDrawingInPipelineNamesIsTheLists() throws IOException {
        String drawing = drawing(Files.readString(NAMES_SOURCE));
        for (List<String> pipeline : List.of(PipelineNames.PUBLIC_PORT, PipelineNames.WEBSOCKET_CONNECTION,
                PipelineNames.API_PORT)) {
            assertTrue(drawing.contains(String.join(" -> ", pipeline)),
                    "PipelineNames draws " + String.join(" -> ", pipeline) + "\nin:\n" + drawing);
        }
    }

    /** The {@code <pre>} block of the class comment, one line per pipeline, labels dropped. */
    private static String drawing(String source) {
        String pre = source.substring(source.indexOf("<pre>") + 5, source.indexOf("</pre>"));
        StringBuilder lines = new StringBuilder();
        for (String line : pre.split("\n")) {
            String text = line.replaceFirst("^\\s*\\*\\s?", "").trim();
            if (text.isEmpty()) {
                continue;
            }
            if (text.startsWith("->")) {
                lines.append(' ').append(text);
            } else {
                lines.append('\n').append(text.substring(text.indexOf(':') + 1).trim());
            }
        }
        return lines.toString();
    }

    private EmbeddedChannel publicChannel() {
        SockJsHandler sockjs = new SockJsHandler(new ProtocolTestEndpoints(config.sockJs()), new MemorySessionStore(),
                "pipes");
        PublicChannelInitializer initializer = new PublicChannelInitializer(64 * 1024, health,
                new ClientScriptHandler(), sockjs, connections, this::backlogLimit, guards("public"), null);
        EmbeddedChannel channel = channel();
        initializer.addHandlers(channel.pipeline());
        return channel;
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        return channel;
    }

    private WriteBacklogLimit backlogLimit() {
        return new WriteBacklogLimit(config.webSocketPolicy().maxWriteBacklogBytes(),
                WriteMemory.unlimited(WriteMemory.CutOff.Counter.NONE));
    }

    private ConnectionGuards guards(String port) {
        return new ConnectionGuards(port, config.connectionLimits(), 64 * 1024, 1 << 20, new ClientErrorLog(),
                Refusal.Counter.NONE);
    }

    /** The pipeline's handler names, without the embedded channel's own last handler. */
    private static List<String> handlerNames(EmbeddedChannel channel) {
        return channel.pipeline().names().stream().filter(name -> !name.startsWith("DefaultChannelPipeline$"))
                .toList();
    }
}

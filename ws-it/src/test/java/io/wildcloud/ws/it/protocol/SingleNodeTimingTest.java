package io.wildcloud.ws.it.protocol;

import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Heartbeats and the disconnect delay on one in-process node with short timers. */
class SingleNodeTimingTest extends TimingChecks {

    private static WsNode node;
    private static SockJsTarget target;

    @BeforeAll
    static void startNode() throws InterruptedException {
        node = WsNode.start(NodeConfig.builder()
                .mode(NodeConfig.Mode.PROTOCOL_TEST)
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .set("heartbeat-interval", HEARTBEAT_MILLIS + "ms")
                .set("disconnect-delay", DISCONNECT_DELAY_MILLIS + "ms")
                .build());
        String url = "http://127.0.0.1:" + node.publicPort();
        target = new SockJsTarget() {
            @Override
            public String topUrl() {
                return url;
            }

            @Override
            public Duration readTimeout() {
                return Duration.ofMillis(3 * HEARTBEAT_MILLIS);
            }
        };
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Override
    protected SockJsTarget target() {
        return target;
    }
}

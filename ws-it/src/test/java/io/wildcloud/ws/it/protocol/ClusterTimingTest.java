package io.wildcloud.ws.it.protocol;

import io.wildcloud.ws.it.cluster.InProcessCluster;
import io.wildcloud.ws.node.config.NodeConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Heartbeats and the disconnect delay through the balancer in front of three nodes on Redis: the
 * expiry clock lives in Redis, and whichever node's sweep sees it, the session ends once.
 */
class ClusterTimingTest extends TimingChecks {

    private static InProcessCluster cluster;
    private static SockJsTarget target;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = InProcessCluster.start(3, NodeConfig.Mode.PROTOCOL_TEST, Map.of(
                "heartbeat-interval", HEARTBEAT_MILLIS + "ms",
                "disconnect-delay", DISCONNECT_DELAY_MILLIS + "ms"));
        String url = cluster.balancer().url();
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
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected SockJsTarget target() {
        return target;
    }
}

package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.cluster.InProcessCluster;
import io.wildcloud.ws.node.config.NodeConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole SockJS protocol through a plain round-robin balancer in front of three in-process
 * nodes in protocol-test mode on one Redis: every request of a session (each poll, each send,
 * each reopened stream) lands on the next node in turn, and the protocol must hold as on one node.
 * The checks are the very ones {@link SingleNodeProtocolTest} runs against a single node.
 */
class BalancedClusterProtocolTest extends ProtocolCheckGroups {

    private static final int NODES = 3;
    private static InProcessCluster cluster;
    private static SockJsTarget target;

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = InProcessCluster.start(NODES, NodeConfig.Mode.PROTOCOL_TEST, Map.of());
        String url = cluster.balancer().url();
        List<String> apiUrls = IntStream.range(0, NODES).mapToObj(cluster::apiUrl).toList();
        // Two hops and Redis round trips per request on a shared 2-core machine: allow 2 s per read.
        target = new SockJsTarget() {
            @Override
            public String topUrl() {
                return url;
            }

            @Override
            public Duration readTimeout() {
                return Duration.ofSeconds(2);
            }

            @Override
            public List<String> apiUrls() {
                return apiUrls;
            }
        };
    }

    @AfterAll
    static void stopCluster() {
        if (cluster == null) {
            return;
        }
        List<Integer> counts = cluster.balancer().requestCounts();
        cluster.close();
        // The point of this class: the checks really were spread over every node, in turn.
        int least = counts.stream().min(Integer::compare).orElse(0);
        int most = counts.stream().max(Integer::compare).orElse(0);
        assertTrue(counts.size() == NODES && least > 0 && most - least <= 1, "requests per node: " + counts);
    }

    @Override
    protected SockJsTarget target() {
        return target;
    }
}

package io.wildcloud.ws.it.stress;

import io.wildcloud.ws.it.balancer.RoundRobinBalancer;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Nodes on 127.0.0.1 with one application, and what clients connect to: the one node or a balancer. */
final class OpenThenPublishTopology implements AutoCloseable {

    static final String APPLICATION = "stress";

    final String secret = "stress-" + UUID.randomUUID().toString().replace("-", "");
    private final List<WsNode> nodes = new ArrayList<>();
    private RoundRobinBalancer balancer;

    /** One node; on the memory engine when {@code redisUrl} is null. */
    static OpenThenPublishTopology oneNode(String redisUrl) throws InterruptedException {
        OpenThenPublishTopology topology = new OpenThenPublishTopology();
        topology.startNodes(1, redisUrl);
        return topology;
    }

    /** Three nodes on the shared test Redis behind the round-robin balancer. */
    static OpenThenPublishTopology balancedCluster() throws InterruptedException {
        OpenThenPublishTopology topology = new OpenThenPublishTopology();
        topology.startNodes(3, RedisTestServer.shared().url());
        topology.balancer = RoundRobinBalancer.start(topology.nodes.stream()
                .map(node -> new InetSocketAddress("127.0.0.1", node.publicPort())).toList());
        return topology;
    }

    private void startNodes(int count, String redisUrl) throws InterruptedException {
        String prefix = RedisTestServer.newKeyPrefix("open");
        try {
            for (int i = 0; i < count; i++) {
                NodeConfig.Builder config = NodeConfig.builder()
                        .bindHost("127.0.0.1")
                        .publicPort(0)
                        .apiPort(0)
                        .set("node-id", "open-" + i)
                        .set("applications", APPLICATION + ":" + secret)
                        // The sockets' callback (127.0.0.1:9, never called) is on loopback.
                        .set("callback-allow-networks", io.wildcloud.ws.it.node.NodeProcess.LOOPBACK_NETWORKS);
                if (redisUrl != null) {
                    config.redisUrl(redisUrl).set("redis-key-prefix", prefix);
                }
                nodes.add(WsNode.start(config.build()));
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    String publicBase() {
        return balancer != null ? balancer.url() : "http://127.0.0.1:" + nodes.get(0).publicPort();
    }

    /** Each node's public port, without the balancer: for a test that picks the node. */
    List<String> nodeBases() {
        return nodes.stream().map(node -> "http://127.0.0.1:" + node.publicPort()).toList();
    }

    List<String> apiBases() {
        return nodes.stream().map(node -> "http://127.0.0.1:" + node.apiPort()).toList();
    }

    @Override
    public void close() {
        if (balancer != null) {
            balancer.close();
        }
        nodes.forEach(WsNode::close);
    }
}

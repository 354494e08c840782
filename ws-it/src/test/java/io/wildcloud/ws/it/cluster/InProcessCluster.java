package io.wildcloud.ws.it.cluster;

import io.wildcloud.ws.it.balancer.RoundRobinBalancer;
import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Nodes started in this JVM on one Redis (the shared test Redis, under a key prefix of their own),
 * with the round-robin test balancer in front of their public ports. Cheaper than node processes,
 * and the leak check sees their buffers; fault tests that kill nodes use {@link ProcessCluster}.
 */
public final class InProcessCluster implements AutoCloseable {

    private final List<WsNode> nodes;
    private final RoundRobinBalancer balancer;

    private InProcessCluster(List<WsNode> nodes, RoundRobinBalancer balancer) {
        this.nodes = nodes;
        this.balancer = balancer;
    }

    /**
     * Starts {@code size} nodes in {@code mode} on the shared test Redis, and a balancer.
     *
     * @param settings further node settings by name, e.g. {@code disconnect-delay}
     */
    public static InProcessCluster start(int size, NodeConfig.Mode mode, Map<String, String> settings)
            throws InterruptedException {
        return startOn(RedisTestServer.shared().url(), size, mode, settings);
    }

    /** As {@link #start}, on the Redis (single, Sentinel or Cluster) that {@code redisUrl} names. */
    public static InProcessCluster startOn(String redisUrl, int size, NodeConfig.Mode mode, Map<String, String> settings)
            throws InterruptedException {
        String keyPrefix = RedisTestServer.newKeyPrefix("it");
        List<WsNode> nodes = new ArrayList<>();
        try {
            List<InetSocketAddress> backends = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                NodeConfig.Builder config = NodeConfig.builder()
                        .mode(mode)
                        .bindHost("127.0.0.1")
                        .publicPort(0)
                        .apiPort(0)
                        .redisUrl(redisUrl)
                        .set("redis-key-prefix", keyPrefix)
                        .set("node-id", "it-node-" + i)
                        .set("callback-allow-networks", NodeProcess.LOOPBACK_NETWORKS);
                settings.forEach(config::set);
                WsNode node = WsNode.start(config.build());
                nodes.add(node);
                backends.add(new InetSocketAddress("127.0.0.1", node.publicPort()));
            }
            return new InProcessCluster(nodes, RoundRobinBalancer.start(backends));
        } catch (InterruptedException | RuntimeException | Error e) {
            nodes.forEach(WsNode::close);
            throw e;
        }
    }

    public int size() {
        return nodes.size();
    }

    public WsNode node(int index) {
        return nodes.get(index);
    }

    /** {@code http://127.0.0.1:<public port>} of node {@code index}. */
    public String publicUrl(int index) {
        return "http://127.0.0.1:" + nodes.get(index).publicPort();
    }

    /** {@code http://127.0.0.1:<api port>} of node {@code index}. */
    public String apiUrl(int index) {
        return "http://127.0.0.1:" + nodes.get(index).apiPort();
    }

    public RoundRobinBalancer balancer() {
        return balancer;
    }

    @Override
    public void close() {
        balancer.close();
        for (WsNode node : nodes) {
            node.close();
        }
    }
}

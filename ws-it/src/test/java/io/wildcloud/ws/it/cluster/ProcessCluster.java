package io.wildcloud.ws.it.cluster;

import io.wildcloud.ws.it.balancer.RoundRobinBalancer;
import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Nodes as child processes from the runnable jar, on the shared test Redis under a key prefix of
 * their own, with the round-robin test balancer in front: for the tests that kill or drain nodes.
 */
public final class ProcessCluster implements AutoCloseable {

    private final List<NodeProcess> nodes;
    private final RoundRobinBalancer balancer;

    private ProcessCluster(List<NodeProcess> nodes, RoundRobinBalancer balancer) {
        this.nodes = nodes;
        this.balancer = balancer;
    }

    /**
     * Starts {@code size} nodes named {@code <name>-<i>}.
     *
     * @param flags settings every node gets, e.g. {@code --mode=protocol-test}
     */
    public static ProcessCluster start(String name, int size, String... flags) throws InterruptedException {
        return startOn(RedisTestServer.shared().url(), name, size, flags);
    }

    /** As {@link #start}, on the Redis at {@code redisUrl} (one the test controls). */
    public static ProcessCluster startOn(String redisUrl, String name, int size, String... flags)
            throws InterruptedException {
        List<String> common = new ArrayList<>(List.of(
                "--redis-url=" + redisUrl,
                "--redis-key-prefix=" + RedisTestServer.newKeyPrefix(name)));
        common.addAll(List.of(flags));
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            List<InetSocketAddress> backends = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                NodeProcess node = NodeProcess.start(name + "-" + i, common.toArray(String[]::new));
                nodes.add(node);
                backends.add(new InetSocketAddress("127.0.0.1", node.publicPort()));
            }
            return new ProcessCluster(nodes, RoundRobinBalancer.start(backends));
        } catch (InterruptedException | RuntimeException | Error e) {
            nodes.forEach(NodeProcess::close);
            throw e;
        }
    }

    public NodeProcess node(int index) {
        return nodes.get(index);
    }

    public String publicUrl(int index) {
        return nodes.get(index).publicUrl();
    }

    /** {@code http://127.0.0.1:<api port>} of node {@code index}. */
    public String apiUrl(int index) {
        return "http://127.0.0.1:" + nodes.get(index).apiPort();
    }

    public RoundRobinBalancer balancer() {
        return balancer;
    }

    /** Fails if any node logged a Netty leak report. */
    public void assertNoLeakReports() {
        nodes.forEach(NodeProcess::assertNoLeakReports);
    }

    @Override
    public void close() {
        balancer.close();
        nodes.forEach(NodeProcess::close);
    }
}

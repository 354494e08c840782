package io.wildcloud.ws.it.browser;

import io.wildcloud.ws.common.client.PushClient;
import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The service as the browser tests meet it: node(s) on 127.0.0.1, with one application whose
 * secret only the test (the application's server side) knows. Browsers reach {@link #publicBase()};
 * the test authorizes and publishes through {@link #api()}.
 *
 * <p>Two topologies: {@link #singleNode()} (the embedded default, memory engine) and three nodes
 * on one Redis behind the round-robin balancer ({@link ClusterStack}), where every request of a session may land on any
 * node; API calls then rotate over the nodes too, so a socket authorized on one node is published
 * to through another.
 */
final class PushStack implements AutoCloseable {

    static final String APPLICATION = "browser-it";

    private final String secret;
    private final List<WsNode> nodes;
    private final String publicBase;
    private final List<PushClient> apis;
    private final AtomicInteger nextApi = new AtomicInteger();
    private final String topology;
    private final AutoCloseable front;
    private final Supplier<List<Integer>> requestsPerNode;

    /**
     * @param front what browsers connect to when it is not the one node (the balancer), closed first
     * @param requestsPerNode how many public requests each node got through {@code front}
     */
    PushStack(String secret, List<WsNode> nodes, String publicBase, String topology, AutoCloseable front,
            Supplier<List<Integer>> requestsPerNode) {
        this.secret = secret;
        this.nodes = List.copyOf(nodes);
        this.publicBase = publicBase;
        this.apis = nodes.stream()
                .map(n -> PushClient.builder(URI.create("http://127.0.0.1:" + n.apiPort()), secret).build())
                .toList();
        this.topology = topology;
        this.front = front;
        this.requestsPerNode = requestsPerNode;
    }

    /** One node with the in-memory engine; browsers connect to it directly. */
    static PushStack singleNode() throws InterruptedException {
        String secret = newSecret();
        WsNode node = WsNode.start(nodeConfig(secret).build());
        return new PushStack(secret, List.of(node), "http://127.0.0.1:" + node.publicPort(), "1 node, memory engine",
                null, List::of);
    }

    static String newSecret() {
        return HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    }

    static NodeConfig.Builder nodeConfig(String secret) {
        return NodeConfig.builder()
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .set("applications", APPLICATION + ":" + secret)
                // The test's callback recorder listens on loopback.
                .set("callback-allow-networks", NodeProcess.LOOPBACK_NETWORKS)
                // A closed polling session goes away after this; the close checks wait for it.
                .set("disconnect-delay", "2s");
    }

    /** The application secret: used by the test's server side only, never given to a page. */
    String secret() {
        return secret;
    }

    /** Where browsers connect, e.g. {@code http://127.0.0.1:41234} (the balancer, or the one node). */
    String publicBase() {
        return publicBase;
    }

    String clientScriptUrl() {
        return publicBase + "/sockjs-client/sockjs.min.js";
    }

    String sockJsUrl(String socketId) {
        return publicBase + "/" + socketId;
    }

    /** The API of the next node in turn: consecutive calls go to different nodes of a cluster. */
    PushClient api() {
        return apis.get(Math.floorMod(nextApi.getAndIncrement(), apis.size()));
    }

    String topology() {
        return topology;
    }

    /** Public requests per node as the balancer counted them; empty when browsers reach one node directly. */
    List<Integer> requestsPerNode() {
        return requestsPerNode.get();
    }

    @Override
    public void close() {
        try {
            if (front != null) {
                front.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing the balancer failed", e);
        } finally {
            nodes.forEach(WsNode::close);
        }
    }

    /** Starts a stack; the browser test classes name their topology with one of these. */
    @FunctionalInterface
    interface Factory {
        PushStack start() throws Exception;
    }
}

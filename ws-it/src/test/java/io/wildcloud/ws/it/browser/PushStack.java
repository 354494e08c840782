package io.wildcloud.ws.it.browser;

import io.wildcloud.ws.demo.PushApiClient;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The service as the browser tests meet it: node(s) on 127.0.0.1, with one application whose
 * secret only the test (the application's server side) knows. Browsers reach {@link #publicBase()};
 * the test authorizes and publishes through {@link #api()}.
 *
 * <p>Today: one node with the in-memory engine. The target topology, three nodes on one Redis
 * behind the round-robin balancer, replaces {@link #start} once the Redis engine and the test
 * balancer are on main; the tests do not change.
 */
final class PushStack implements AutoCloseable {

    static final String APPLICATION = "browser-it";

    private final String secret;
    private final List<WsNode> nodes;
    private final String publicBase;
    private final PushApiClient api;
    private final String topology;

    private PushStack(String secret, List<WsNode> nodes, String publicBase, URI apiBase, String topology) {
        this.secret = secret;
        this.nodes = nodes;
        this.publicBase = publicBase;
        this.api = new PushApiClient(apiBase);
        this.topology = topology;
    }

    static PushStack start() throws InterruptedException {
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        List<WsNode> nodes = new ArrayList<>();
        nodes.add(WsNode.start(nodeConfig(secret)));
        WsNode first = nodes.get(0);
        return new PushStack(secret, nodes, "http://127.0.0.1:" + first.publicPort(),
                URI.create("http://127.0.0.1:" + first.apiPort()), "1 node, memory engine");
    }

    private static NodeConfig nodeConfig(String secret) {
        return NodeConfig.builder()
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .set("applications", APPLICATION + ":" + secret)
                // A closed polling session goes away after this; the close checks wait for it.
                .set("disconnect-delay", "2s")
                .build();
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

    PushApiClient api() {
        return api;
    }

    String topology() {
        return topology;
    }

    @Override
    public void close() {
        for (WsNode node : nodes) {
            node.close();
        }
    }
}

package io.wildcloud.ws.it.browser;

import io.wildcloud.ws.it.balancer.RoundRobinBalancer;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Three nodes on one Redis (each with the same fresh key prefix) behind the plain round-robin
 * test balancer: no stickiness, so every request of a browser session, each poll and each send,
 * may land on another node.
 */
final class ClusterStack {

    static final int NODES = 3;

    private ClusterStack() {
    }

    static PushStack threeNodesBehindBalancer() throws Exception {
        String redisUrl = RedisTestServer.shared().url();
        String prefix = RedisTestServer.newKeyPrefix("browser");
        String secret = PushStack.newSecret();
        List<WsNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(WsNode.start(PushStack.nodeConfig(secret)
                        .redisUrl(redisUrl)
                        .set("redis-key-prefix", prefix)
                        .set("node-id", "browser-" + i)
                        .build()));
            }
            RoundRobinBalancer balancer = RoundRobinBalancer.start(
                    nodes.stream().map(n -> new InetSocketAddress("127.0.0.1", n.publicPort())).toList());
            return new PushStack(secret, nodes, balancer.url(),
                    NODES + " nodes on Redis behind the round-robin balancer", balancer, balancer::requestCounts);
        } catch (Exception | Error e) {
            nodes.forEach(WsNode::close);
            throw e;
        }
    }
}

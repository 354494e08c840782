package io.wildcloud.ws.it.protocol;

import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole SockJS protocol, over real sockets, against one in-process node in protocol-test mode
 * with the embedded memory engine. Each nested class binds one group of checks to this node;
 * {@link BalancedClusterProtocolTest} binds the same groups to three nodes behind a balancer.
 */
class SingleNodeProtocolTest extends ProtocolCheckGroups {

    private static WsNode node;
    private static SockJsTarget target;

    @BeforeAll
    static void startNode() throws InterruptedException {
        node = WsNode.start(NodeConfig.builder()
                .mode(NodeConfig.Mode.PROTOCOL_TEST)
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .redisUrl(null)
                .build());
        target = SockJsTarget.of("http://127.0.0.1:" + node.publicPort(), "http://127.0.0.1:" + node.apiPort());
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

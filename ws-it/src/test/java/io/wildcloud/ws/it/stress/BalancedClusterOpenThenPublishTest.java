package io.wildcloud.ws.it.stress;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link OpenThenPublishChecks} on three nodes on Redis behind the round-robin balancer, so that the open, the reads and the publishes land on different nodes. */
class BalancedClusterOpenThenPublishTest extends OpenThenPublishChecks {

    private static OpenThenPublishTopology topology;

    @BeforeAll
    static void start() throws InterruptedException {
        topology = OpenThenPublishTopology.balancedCluster();
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    // Each round costs Redis round trips and balancer hops; 100 keep the class near 16 s.
    @Override
    int rounds() {
        return 100;
    }

    @Override
    String publicBase() {
        return topology.publicBase();
    }

    @Override
    List<String> apiBases() {
        return topology.apiBases();
    }

    @Override
    String secret() {
        return topology.secret;
    }
}

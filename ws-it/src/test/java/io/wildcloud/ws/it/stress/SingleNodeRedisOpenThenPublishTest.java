package io.wildcloud.ws.it.stress;

import io.wildcloud.ws.testing.RedisTestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link OpenThenPublishChecks} on one node on Redis. */
class SingleNodeRedisOpenThenPublishTest extends OpenThenPublishChecks {

    private static OpenThenPublishTopology topology;

    @BeforeAll
    static void start() throws InterruptedException {
        topology = OpenThenPublishTopology.oneNode(RedisTestServer.shared().url());
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    // Each round costs Redis round trips; 100 keep the class near 12 s.
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

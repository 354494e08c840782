package io.wildcloud.ws.it.stress;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link OpenThenPublishChecks} on one node on the memory engine. */
class SingleNodeMemoryOpenThenPublishTest extends OpenThenPublishChecks {

    private static OpenThenPublishTopology topology;

    @BeforeAll
    static void start() throws InterruptedException {
        topology = OpenThenPublishTopology.oneNode(null);
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    // Cheap: a round takes a few milliseconds.
    @Override
    int rounds() {
        return 200;
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

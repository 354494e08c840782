package io.wildcloud.ws.it.stress;

import io.wildcloud.ws.testing.RedisTestServer;

/** {@link OpenThenPublishChecks} on one node on Redis. */
class SingleNodeRedisOpenThenPublishTest extends OpenThenPublishChecks {

    @Override
    OpenThenPublishTopology startTopology() throws InterruptedException {
        return OpenThenPublishTopology.oneNode(RedisTestServer.shared().url());
    }

    // Each round costs Redis round trips; 100 keep the class near 12 s.
    @Override
    int rounds() {
        return 100;
    }
}

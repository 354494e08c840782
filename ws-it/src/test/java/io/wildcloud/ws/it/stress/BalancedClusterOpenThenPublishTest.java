package io.wildcloud.ws.it.stress;

/** {@link OpenThenPublishChecks} on three nodes on Redis behind the round-robin balancer, so that the open, the reads and the publishes land on different nodes. */
class BalancedClusterOpenThenPublishTest extends OpenThenPublishChecks {

    @Override
    OpenThenPublishTopology startTopology() throws InterruptedException {
        return OpenThenPublishTopology.balancedCluster();
    }

    // Each round costs Redis round trips and balancer hops; 100 keep the class near 16 s.
    @Override
    int rounds() {
        return 100;
    }
}

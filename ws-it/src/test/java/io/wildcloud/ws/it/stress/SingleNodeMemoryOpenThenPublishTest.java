package io.wildcloud.ws.it.stress;

/** {@link OpenThenPublishChecks} on one node on the memory engine. */
class SingleNodeMemoryOpenThenPublishTest extends OpenThenPublishChecks {

    @Override
    OpenThenPublishTopology startTopology() throws InterruptedException {
        return OpenThenPublishTopology.oneNode(null);
    }

    // Cheap: a round takes a few milliseconds.
    @Override
    int rounds() {
        return 200;
    }
}

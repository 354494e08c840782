package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;

/** {@link BrowserTransportChecks} in chromium through the round-robin balancer in front of three nodes on Redis. */
class ClusterBrowserTransportTest extends BrowserTransportChecks {

    @Override
    BrowserKind browser() {
        return BrowserKind.CHROMIUM;
    }

    @Override
    PushStack.Factory topology() {
        return ClusterStack::threeNodesBehindBalancer;
    }

    @AfterAll
    void everyNodeServedTheBrowsers() {
        if (fixture() == null) {
            return; // the stack did not start; that failure is the one to read
        }
        assertTrue(fixture().stack().requestsPerNode().stream().allMatch(n -> n > 0),
                "requests per node " + fixture().stack().requestsPerNode());
    }
}

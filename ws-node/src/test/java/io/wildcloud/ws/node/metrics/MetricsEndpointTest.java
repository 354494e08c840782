package io.wildcloud.ws.node.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /metrics} of a node on the memory engine. */
class MetricsEndpointTest extends NodeMetricsFlow {

    @Override
    List<String> engineFlags() {
        return List.of();
    }

    @Test
    void sessionPublishesAndCallbacksShowInMetrics() throws Exception {
        startNode();
        super.sessionPublishesAndCallbacksShowInMetrics();
        PrometheusScrape after = scrape();
        assertFalse(after.has("ws_redis_command_seconds_count"), "no Redis meters without Redis");
        assertFalse(after.has("ws_callback_latency_seconds_bucket"), "no percentile histograms by default");
    }

    @Test
    void aPipelinedScrapeIsAnsweredBetweenThePublishesAroundIt() throws Exception {
        startNode();
        pipelinedScrapeIsAnsweredBetweenThePublishesAroundItAndCountsTheOneBefore();
    }
}

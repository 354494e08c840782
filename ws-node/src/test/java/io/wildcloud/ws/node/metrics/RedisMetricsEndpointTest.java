package io.wildcloud.ws.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.testing.RedisTestServer;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /metrics} and {@code /health} of a node on the Redis engine (a test Redis, never the machine's). */
class RedisMetricsEndpointTest extends NodeMetricsFlow {

    @Override
    List<String> engineFlags() {
        return List.of("--redis-url=" + RedisTestServer.shared().url(),
                "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("metrics"), "--metrics-histograms=true");
    }

    @Test
    void sessionPublishesAndCallbacksShowInMetrics() throws Exception {
        startNode();
        PrometheusScrape fresh = scrape();
        assertEquals(1, fresh.value("ws_redis_presence_up"));
        // There from the start, so that an alert on it has a series.
        assertEquals(0, fresh.value("ws_redis_takeover_late_total"));
        assertEquals(0, fresh.value("ws_redis_release_kept_total", "outcome=given_up"));
        assertEquals(0, fresh.value("ws_redis_end_kept_total", "outcome=given_up"));
        assertEquals(0, fresh.value("ws_redis_command_seconds_count", "script=claim"));

        super.sessionPublishesAndCallbacksShowInMetrics();

        PrometheusScrape after = scrape();
        assertTrue(after.value("ws_redis_command_seconds_count", "script=claim") >= 4, after.toString());
        assertTrue(after.value("ws_redis_command_seconds_count", "command=evalsha", "script=publish") >= 2,
                after.toString());
        assertTrue(after.value("ws_redis_command_seconds_count", "script=release") >= 1, after.toString());
        assertTrue(after.value("ws_redis_command_seconds_sum", "script=publish") > 0);
        assertEquals(0, after.value("ws_redis_errors_total", "script=publish"));
        // Plain commands too: subscriptions, and the presence pings every sweep.
        assertTrue(after.value("ws_redis_command_seconds_count", "command=subscribe", "script=none") >= 2,
                after.toString());
        assertTrue(after.value("ws_redis_command_seconds_count", "command=publish", "script=none") >= 1,
                after.toString());
        assertEquals(1, after.value("ws_redis_presence_up"));
        assertTrue(after.has("ws_redis_subscriptions"));
        assertTrue(after.has("ws_redis_command_seconds_bucket", "script=publish"), "metrics-histograms=true");
        assertTrue(after.has("ws_callback_latency_seconds_bucket", "status=2xx"), "metrics-histograms=true");
        HttpResponse<String> health = get(apiUri("/health"));
        assertEquals(200, health.statusCode(), health.body());
    }

    @Test
    void aPipelinedScrapeIsAnsweredBetweenThePublishesAroundIt() throws Exception {
        startNode();
        pipelinedScrapeIsAnsweredBetweenThePublishesAroundItAndCountsTheOneBefore();
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store against the shared contract: each node id is a store with its own Redisson
 * client, all on the test Redis under this test's own key prefix.
 */
class RedisSessionStoreTest extends RedisSessionStoreContract {

    private final RedisEngineConfig config;

    RedisSessionStoreTest(TestInfo test) {
        config = testConfig(RedisTestServer.shared().url(),
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()));
    }

    static RedisEngineConfig testConfig(String url, String prefix) {
        return RedisEngineConfig.of(url)
                .withKeyPrefix(prefix)
                .withMaxQueueLength(MAX_QUEUE)
                .withMaxQueueBytes(MAX_QUEUE_BYTES)
                .withSweepInterval(Duration.ofMillis(50))
                .withHoldTtl(Duration.ofSeconds(4))
                .withTimeouts(Duration.ofSeconds(2), 1, Duration.ofSeconds(2));
    }

    @Override
    protected RedisEngineConfig config() {
        return config;
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.engine.SessionStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store against the shared contract: each node id is a store with its own Redisson
 * client, all on the test Redis under this test's own key prefix.
 */
class RedisSessionStoreTest extends SessionStoreContract {

    private final RedisEngineConfig config;
    private final Map<String, RedisSessionStore> stores = new ConcurrentHashMap<>();

    RedisSessionStoreTest(TestInfo test) {
        config = testConfig(RedisTestServer.shared().url(),
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()));
    }

    static RedisEngineConfig testConfig(String url, String prefix) {
        return RedisEngineConfig.of(url)
                .withKeyPrefix(prefix)
                .withMaxQueueLength(MAX_QUEUE)
                .withSweepInterval(Duration.ofMillis(50))
                .withHoldTtl(Duration.ofSeconds(4))
                .withTimeouts(Duration.ofSeconds(2), 1, Duration.ofSeconds(2))
                .withSubscriptionLinger(Duration.ofSeconds(1));
    }

    @Override
    protected SessionStore newStore(String nodeId) {
        RedisSessionStore store = join(RedisSessionStore.connect(config, nodeId));
        stores.put(nodeId, store);
        return store;
    }

    @Override
    protected boolean separateNodes() {
        return true;
    }

    /** As a killed process: the connections drop, nothing is released or unsubscribed first. */
    @Override
    protected void killNode(String nodeId) {
        stores.get(nodeId).redisson().shutdown(0, 1, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeStores() {
        stores.values().forEach(RedisSessionStore::close);
    }
}

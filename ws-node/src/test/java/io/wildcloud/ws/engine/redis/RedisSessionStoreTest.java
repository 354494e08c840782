package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.engine.SessionStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.redisson.api.RedissonClient;

/**
 * The Redis store against the shared contract: each node id is a store with its own Redisson
 * client, all on the test Redis under this test's own key prefix.
 */
class RedisSessionStoreTest extends SessionStoreContract {

    private final RedisEngineConfig config;
    private final Map<String, RedissonClient> clients = new ConcurrentHashMap<>();
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
                .withTimeouts(Duration.ofSeconds(2), 1, Duration.ofSeconds(2))
                .withSubscriptionLinger(Duration.ofSeconds(1));
    }

    @Override
    protected SessionStore newStore(String nodeId) {
        RedissonClient client = RedissonClients.create(config, "test-" + nodeId, null);
        clients.put(nodeId, client);
        RedisSessionStore store = join(RedisSessionStore.start(client, config, nodeId));
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
        clients.get(nodeId).shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    @AfterEach
    void closeStores() {
        stores.values().forEach(RedisSessionStore::close);
        clients.values().forEach(client -> {
            if (!client.isShutdown()) {
                client.shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            }
        });
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.engine.SessionStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store on a real Redis Cluster of three masters (redis-server processes): hash tags
 * keep each session's keys in one slot, wake-ups go by sharded pub/sub (SPUBLISH/SSUBSCRIBE),
 * scripts are loaded on every master.
 */
class RedisClusterSessionStoreTest extends SessionStoreContract {

    private static RedisClusterProcesses cluster;

    private final RedisEngineConfig config;
    private final Map<String, RedisSessionStore> stores = new ConcurrentHashMap<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcesses.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    RedisClusterSessionStoreTest(TestInfo test) {
        String url = "redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", "");
        config = RedisSessionStoreTest.testConfig(url,
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()))
                .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
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

    @Override
    protected void killNode(String nodeId) {
        stores.get(nodeId).redisson().shutdown(0, 1, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeStores() {
        stores.values().forEach(RedisSessionStore::close);
    }
}

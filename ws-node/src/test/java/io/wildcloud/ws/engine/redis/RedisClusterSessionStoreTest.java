package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store on a real Redis Cluster of three masters (redis-server processes): hash tags
 * keep each session's keys in one slot, wake-ups go by sharded pub/sub (SPUBLISH/SSUBSCRIBE),
 * scripts are loaded on every master.
 */
class RedisClusterSessionStoreTest extends RedisSessionStoreContract {

    private static RedisClusterProcesses cluster;

    private final RedisEngineConfig config;

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
    protected RedisEngineConfig config() {
        return config;
    }
}

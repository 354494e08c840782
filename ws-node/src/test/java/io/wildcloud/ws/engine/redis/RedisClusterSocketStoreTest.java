package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisClusterProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis socket store on a real Redis Cluster of three masters: publish.lua reaches a socket's
 * sessions through keys it builds itself, which must share the socket's slot.
 */
class RedisClusterSocketStoreTest extends RedisSocketStoreTest {

    private static RedisClusterProcesses cluster;

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

    RedisClusterSocketStoreTest(TestInfo test) {
        super(test);
    }

    @Override
    protected String url() {
        return "redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", "");
    }
}

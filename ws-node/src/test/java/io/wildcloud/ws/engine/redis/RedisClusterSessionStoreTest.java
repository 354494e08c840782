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

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(3);
    private static final int RETRIES = 1;
    /**
     * A dead node's held sessions outlive it by two thirds of this at least (renewed every third):
     * time for the others to judge it dead ({@link NodeRoster#SCANS_TO_CONVICT} watch rounds, and
     * one under way) and for its takeover's reads, answered within a command's attempts. The 4 s
     * of the other contract runs left 2.7 s, less than that at load 10 (journals of 16384 slots
     * to read: 2-9 s at load 12-16): the sessions expired unnoticed and no expiry notice came.
     */
    private static final Duration HOLD_TTL = ClusterWatch.PERIOD.multipliedBy(NodeRoster.SCANS_TO_CONVICT + 1)
            .plus(COMMAND_TIMEOUT.multipliedBy(RETRIES + 1)).multipliedBy(3).dividedBy(2);

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
                .withTimeouts(COMMAND_TIMEOUT, RETRIES, Duration.ofSeconds(3))
                .withHoldTtl(HOLD_TTL);
    }

    @Override
    protected RedisEngineConfig config() {
        return config;
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisSentinels;
import io.wildcloud.ws.testing.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store through Redis Sentinel (a master and two Sentinels, redis-server processes): the
 * {@code redis-sentinel://} URL form, subscriptions on the master, presence counted there.
 */
class RedisSentinelSessionStoreTest extends RedisSessionStoreContract {

    private static RedisSentinels sentinels;

    private final RedisEngineConfig config;

    @BeforeAll
    static void startSentinels() {
        sentinels = RedisSentinels.start();
    }

    @AfterAll
    static void stopSentinels() {
        if (sentinels != null) {
            sentinels.close();
        }
    }

    RedisSentinelSessionStoreTest(TestInfo test) {
        config = RedisSessionStoreTest.testConfig(sentinels.url(),
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()));
    }

    @Override
    protected RedisEngineConfig config() {
        return config;
    }
}

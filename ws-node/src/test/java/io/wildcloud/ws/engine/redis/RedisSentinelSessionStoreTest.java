package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisSentinels;
import io.wildcloud.ws.testing.RedisTestServer;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store through Redis Sentinel (a master and two Sentinels, redis-server processes): the
 * {@code redis-sentinel://} URL form, subscriptions on the master, presence counted there.
 */
class RedisSentinelSessionStoreTest extends RedisSessionStoreContract {

    private final RedisEngineConfig config;

    RedisSentinelSessionStoreTest(TestInfo test) {
        config = RedisSessionStoreTest.testConfig(RedisSentinels.shared().url(),
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()));
    }

    @Override
    protected RedisEngineConfig config() {
        return config;
    }
}

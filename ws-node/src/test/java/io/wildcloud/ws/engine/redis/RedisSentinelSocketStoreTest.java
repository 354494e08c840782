package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisSentinels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/** The Redis socket store through Redis Sentinel (a master and two Sentinels). */
class RedisSentinelSocketStoreTest extends RedisSocketStoreTest {

    private static RedisSentinels sentinels;

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

    RedisSentinelSocketStoreTest(TestInfo test) {
        super(test);
    }

    @Override
    protected String url() {
        return sentinels.url();
    }
}

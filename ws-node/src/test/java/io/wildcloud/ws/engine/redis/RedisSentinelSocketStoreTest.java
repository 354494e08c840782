package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisSentinels;
import org.junit.jupiter.api.TestInfo;

/** The Redis socket store through Redis Sentinel (a master and two Sentinels). */
class RedisSentinelSocketStoreTest extends RedisSocketStoreTest {

    RedisSentinelSocketStoreTest(TestInfo test) {
        super(test);
    }

    @Override
    protected String url() {
        return RedisSentinels.shared().url();
    }
}

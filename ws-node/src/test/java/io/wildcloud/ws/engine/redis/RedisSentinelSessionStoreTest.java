package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis store through Redis Sentinel (a master and two Sentinels, redis-server processes): the
 * {@code redis-sentinel://} URL form, subscriptions on the master, presence counted there.
 */
class RedisSentinelSessionStoreTest extends RedisSessionStoreContract {

    private static final String MASTER = "wsmaster";
    private static RedisServerProcess master;
    private static final List<RedisServerProcess> sentinels = new ArrayList<>();

    private final RedisEngineConfig config;

    /** Two Sentinels, as Redisson insists on; they find each other through the master. */
    @BeforeAll
    static void startSentinels() throws Exception {
        master = RedisServerProcess.start();
        for (int i = 0; i < 2; i++) {
            sentinels.add(RedisServerProcess.startSentinel(MASTER, master.port()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (RedisServerProcess sentinel : sentinels) {
            // An array reply comes back as its length: the other Sentinels this one knows.
            while (!"1".equals(RedisProbe.command(sentinel.host(), sentinel.port(), "SENTINEL", "SENTINELS", MASTER))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Sentinels did not find each other");
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stopSentinels() {
        sentinels.forEach(RedisServerProcess::close);
        sentinels.clear();
        if (master != null) {
            master.close();
        }
    }

    RedisSentinelSessionStoreTest(TestInfo test) {
        config = RedisSessionStoreTest.testConfig("redis-sentinel://" + sentinels.stream()
                .map(s -> s.host() + ":" + s.port()).collect(Collectors.joining(",")) + "/" + MASTER,
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()));
    }

    @Override
    protected RedisEngineConfig config() {
        return config;
    }
}

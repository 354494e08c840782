package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketStoreContract;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.redisson.api.RedissonClient;

/** The Redis socket store against the shared contract, on the test Redis under its own key prefix; time passes for real. */
class RedisSocketStoreTest extends SocketStoreContract {

    private final String prefix;
    private final List<RedissonClient> clients = new ArrayList<>();

    RedisSocketStoreTest(TestInfo test) {
        prefix = RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName());
    }

    @Override
    protected SocketStore newStore(Duration idleTimeout) {
        RedissonClient redisson = RedissonClients.create(RedisEngineConfig.of(RedisTestServer.shared().url()),
                "socket-store-test", null);
        clients.add(redisson);
        return new RedisSocketStore(redisson, prefix, idleTimeout);
    }

    @Override
    protected void letTimePass(Duration time) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(time.toMillis());
    }

    @AfterEach
    void shutdown() {
        clients.forEach(client -> client.shutdown(0, 2, TimeUnit.SECONDS));
    }
}

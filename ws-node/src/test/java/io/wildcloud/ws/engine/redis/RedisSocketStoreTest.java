package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis engine's socket operations against the shared contract, on the test Redis under its
 * own key prefix, one engine per store the contract asks for; time passes for real.
 */
class RedisSocketStoreTest extends SocketStoreContract {

    private final String prefix;
    private final List<RedisEngine> engines = new ArrayList<>();

    RedisSocketStoreTest(TestInfo test) {
        prefix = RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName());
    }

    /** The Redis these tests use. */
    protected String url() {
        return RedisTestServer.shared().url();
    }

    @Override
    protected synchronized SocketStore newStore(Duration idleTimeout) throws Exception {
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(url(), prefix).withMaxQueueLength(MAX_QUEUE);
        RedisEngine engine = RedisEngine.start(config, "n" + (engines.size() + 1), idleTimeout)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        engines.add(engine);
        return engine;
    }

    @Override
    protected synchronized SessionStore sessionStore(SocketStore store) {
        return (RedisEngine) store;
    }

    @Override
    protected void letTimePass(Duration time) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(time.toMillis());
    }

    @AfterEach
    synchronized void shutdown() {
        engines.forEach(RedisEngine::close);
    }
}

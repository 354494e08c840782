package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The Redis socket store against the shared contract, on the test Redis under its own key prefix,
 * over a session store of its own per socket store; time passes for real.
 */
class RedisSocketStoreTest extends SocketStoreContract {

    private final String prefix;
    private final Map<SocketStore, RedisSessionStore> sessions = new IdentityHashMap<>();

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
        RedisSessionStore sessionStore = RedisSessionStore.connect(config, "n" + (sessions.size() + 1))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        SocketStore store = new RedisSocketStore(sessionStore, idleTimeout);
        sessions.put(store, sessionStore);
        return store;
    }

    @Override
    protected synchronized SessionStore sessionStore(SocketStore store) {
        return sessions.get(store);
    }

    @Override
    protected void letTimePass(Duration time) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(time.toMillis());
    }

    @AfterEach
    synchronized void shutdown() {
        sessions.values().forEach(RedisSessionStore::close);
    }
}

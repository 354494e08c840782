package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.engine.SessionStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared contract on Redis, whatever its topology (single, Cluster, Sentinel): each node id is
 * a store with its own Redisson client, and a killed node is one whose connections just drop.
 */
abstract class RedisSessionStoreContract extends SessionStoreContract {

    private final Map<String, RedisEngine> stores = new ConcurrentHashMap<>();

    /** The engine settings of this test: its Redis and its own key prefix. */
    protected abstract RedisEngineConfig config();

    @Override
    protected SessionStore newStore(String nodeId) {
        RedisEngine store = join(TestEngines.connect(config(), nodeId));
        stores.put(nodeId, store);
        return store;
    }

    @Override
    protected boolean separateNodes() {
        return true;
    }

    /** A second past the hold's TTL: a holding node must have renewed it (the memory store's time is shorter). */
    @Override
    protected Duration longerThanAHold() {
        return config().holdTtl().plusSeconds(1);
    }

    /** As a killed process: the connections drop, nothing is released or unsubscribed first. */
    @Override
    protected void killNode(String nodeId) {
        stores.get(nodeId).redisson().shutdown(0, 1, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeStores() {
        stores.values().forEach(RedisEngine::close);
    }
}

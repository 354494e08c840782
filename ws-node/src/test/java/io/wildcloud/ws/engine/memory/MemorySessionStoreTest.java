package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.engine.SessionStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import org.junit.jupiter.api.AfterEach;

/** The memory store against the shared contract: one node, one store. */
class MemorySessionStoreTest extends SessionStoreContract {

    private final MemorySessionStore store = new MemorySessionStore(MAX_QUEUE, MAX_QUEUE_BYTES);

    @Override
    protected SessionStore newStore(String nodeId) {
        return store;
    }

    @Override
    protected boolean separateNodes() {
        return false;
    }

    @AfterEach
    void closeStore() {
        store.close();
    }
}

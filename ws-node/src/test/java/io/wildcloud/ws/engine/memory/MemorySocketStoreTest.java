package io.wildcloud.ws.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketStoreContract;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemorySocketStoreTest extends SocketStoreContract {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private final MemorySessionStore sessions = new MemorySessionStore(MAX_QUEUE);

    @Override
    protected SocketStore newStore(Duration idleTimeout) {
        return new MemorySocketStore(sessions, idleTimeout, clock::get);
    }

    @Override
    protected SocketStore newStore(NewSocketQuota quota) {
        return new MemorySocketStore(sessions, quota.window(), quota);
    }

    @Override
    protected SessionStore sessionStore(SocketStore store) {
        return sessions;
    }

    @Override
    protected Optional<Set<String>> indexOf(SocketStore store, String socketId) {
        return ((MemorySocketStore) store).index(socketId);
    }

    @AfterEach
    void closeSessions() {
        sessions.close();
    }

    @Override
    protected void letTimePass(Duration time) {
        clock.addAndGet(time.toNanos());
    }

    @Test
    void theSweepDropsExpiredSocketsNobodyLooksFor() throws Exception {
        MemorySocketStore store = new MemorySocketStore(sessions, Duration.ofSeconds(30), clock::get);
        await(store.authorize("app", "a", CALLBACK_1));
        await(store.authorize("app", "b", CALLBACK_1));
        assertEquals(2, store.size());
        letTimePass(Duration.ofMinutes(2));
        await(store.authorize("app", "c", CALLBACK_1));
        assertEquals(1, store.size());
    }
}

package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.AdmittingService;
import io.wildcloud.ws.testing.IdleReceiver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A close that took effect is counted once, under the reason its code or its caller gives. */
class SessionCloseMetricsTest {

    private final MemorySessionStore store = new MemorySessionStore();
    private final List<SockJsMetrics.CloseReason> closes = new CopyOnWriteArrayList<>();
    private final SockJsMetrics metrics = new SockJsMetrics() {
        @Override
        public void sessionClosed(CloseReason reason) {
            closes.add(reason);
        }
    };
    private final SockJsService service = new AdmittingService() { };

    @AfterEach
    void close() {
        store.close();
    }

    private StoreBackedSession open(String id) throws Exception {
        SessionKey key = new SessionKey("scope", id);
        store.claim(key, ClaimMode.POLL, SessionStore.Creation.CREATE_IF_MISSING, new IdleReceiver(new ReceiverId("n", id.hashCode()))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        return new StoreBackedSession(key, store, service, metrics);
    }

    @Test
    void eachCloseIsCountedOnceWithItsReason() throws Exception {
        StoreBackedSession byService = open("a");
        assertEquals(true, byService.close(3000, "Go away").toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(false, byService.close(3000, "Go away").toCompletableFuture().get(5, TimeUnit.SECONDS));
        open("b").close(CloseCodes.CONNECTION_INTERRUPTED, CloseCodes.CONNECTION_INTERRUPTED_REASON)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        open("c").close(CloseCodes.CONNECTION_INTERRUPTED, CloseCodes.CONNECTION_INTERRUPTED_REASON,
                SockJsMetrics.CloseReason.WEBSOCKET_ENDED).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(SockJsMetrics.CloseReason.CLOSED, SockJsMetrics.CloseReason.INTERRUPTED,
                SockJsMetrics.CloseReason.WEBSOCKET_ENDED), closes);
    }
}

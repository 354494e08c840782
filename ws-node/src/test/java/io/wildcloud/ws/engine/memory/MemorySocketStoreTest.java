package io.wildcloud.ws.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.SocketQuotaExceededException;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketStoreContract;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.IdleReceiver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
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

    /**
     * The answers remembered for request ids are bounded per application: one tenant's publishes
     * with ids of their own (to a session of its own that reads) pushed every other tenant's out
     * of the node's one bound of 100,000, and their retries within the window were delivered again
     * (redteam7).
     */
    @Test
    void oneApplicationsRequestIdsDoNotPushOutAnothers() throws Exception {
        try (MemorySessionStore roomy = new MemorySessionStore(RequestReplies.MAX_REMEMBERED + 10)) {
            MemorySocketStore store = new MemorySocketStore(roomy, Duration.ofHours(1), clock::get);
            String good = await(store.authorize("good", "client", CALLBACK_1)).socket().socketId();
            String evil = await(store.authorize("evil", "client", CALLBACK_1)).socket().socketId();
            SessionKey goodTab = new SessionKey(good, "tab");
            SessionKey evilTab = new SessionKey(evil, "tab");
            for (SessionKey tab : List.of(goodTab, evilTab)) {
                await(roomy.claim(tab, ClaimMode.STREAM, Creation.CREATE_ONLY, new IdleReceiver(new ReceiverId("n1", tab.hashCode()))));
                await(store.addSession(tab.scope(), tab.sessionId(), 10));
            }
            Publication first = await(store.publish(good, null, "shipped", "order-42")).orElseThrow();
            assertEquals(1, first.queued());
            for (int i = 0; i < RequestReplies.MAX_REMEMBERED; i++) {
                await(store.publish(evil, "tab", "m", "evil-" + i));
            }
            assertEquals(Optional.of(first.asRepeat()), await(store.publish(good, null, "shipped", "order-42")),
                    "the good tenant's retry answers its first publish");
            // The queue's length after one more: 2 if the message was queued once, 3 if twice.
            assertEquals(2, await(store.publish(good, "tab", "probe")).orElseThrow().deliveries().get(0).queueLength(),
                    "the good tenant's message was queued once");
        }
    }

    /**
     * All applications' new sockets together hold at most the node's bytes bound
     * ({@code max-new-socket-bytes-per-node}): each application's own budget (a sixteenth of the heap
     * by default) let N applications together take N sixteenths of it a window, and twice that live.
     * Past the node's bound a new socket, or a longer callback, of any application is refused naming
     * the node's budget; a refused one counts nothing, and sockets already made are kept.
     */
    @Test
    void allApplicationsNewSocketsHoldAtMostTheNodesBytes() throws Exception {
        String longId = "i".repeat(255);
        URI longCallback = URI.create("https://app.example/" + "c".repeat(2020));
        long big = NewSocketQuota.chargedBytes(longId + 1, longCallback);
        long small = NewSocketQuota.chargedBytes("client-s", CALLBACK_1);
        NewSocketQuota perApplication = new NewSocketQuota(1000, Duration.ofDays(1), 2 * big);
        long shortCallback = NewSocketQuota.chargedBytes(longId + 1, CALLBACK_1);
        long perNode = 4 * big + shortCallback + small; // four long sockets, one short, one small
        awayFromAWindowEdge(perApplication);
        MemorySocketStore store = new MemorySocketStore(sessions, perApplication.window(), perApplication, perNode);
        String first = await(store.authorize("app-a", longId + 1, longCallback)).socket().socketId();
        await(store.authorize("app-a", longId + 2, longCallback));
        await(store.authorize("app-b", longId + 1, longCallback));
        await(store.authorize("app-b", longId + 2, longCallback));
        await(store.authorize("app-c", longId + 1, CALLBACK_1));

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> await(store.authorize("app-d", longId + 1, longCallback)),
                "app-d's first socket is within its own budget but past the node's");
        assertTrue(refused.getCause() instanceof SocketQuotaExceededException, refused.toString());
        assertTrue(refused.getCause().getMessage().contains("node's new sockets of this 24 h window, of all"
                + " applications, would pass their " + perNode + " bytes (max-new-socket-bytes-per-node) with this"
                + " one's " + big + " "), refused.getCause().getMessage());
        ExecutionException longer = assertThrows(ExecutionException.class,
                () -> await(store.authorize("app-c", longId + 1, longCallback)),
                "a longer callback is charged its growth to the node too");
        assertTrue(longer.getCause().getMessage().contains("(max-new-socket-bytes-per-node)"),
                longer.getCause().getMessage());

        assertTrue(await(store.authorize("app-d", "client-s", CALLBACK_1)).created(),
                "the refused socket counted nothing: a small one still fits");
        assertThrows(ExecutionException.class, () -> await(store.authorize("app-e", "client-s", CALLBACK_1)));
        assertEquals(first, await(store.authorize("app-a", longId + 1, longCallback)).socket().socketId(),
                "a client with a socket keeps it");
        assertEquals(6, store.size());
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

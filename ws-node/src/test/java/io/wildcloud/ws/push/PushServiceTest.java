package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.engine.memory.MemorySocketIndex;
import io.wildcloud.ws.engine.memory.MemorySocketStore;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackObserver;
import io.wildcloud.ws.push.callback.CallbackPolicy;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.testing.IdleReceiver;
import io.wildcloud.ws.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The push service and its resolver over the memory stores, with a real callback server. */
class PushServiceTest {

    private static final String SECRET = "demo-secret-0123456789";

    private final MemorySessionStore sessions = new MemorySessionStore();
    private final MemorySocketStore sockets = new MemorySocketStore(sessions, Duration.ofHours(1));
    private final AtomicLong connections = new AtomicLong();
    private CallbackServer server;
    private PushModule module;
    /** The refusals of new sessions the service counted. */
    private final List<PushMetrics.SessionRefusal> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new CallbackServer();
        PushLimits limits = PushLimits.defaults().withMaxSessionsPerSocket(2).withMaxMessageBytes(1000)
                .withCallback(new CallbackPolicy(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(20),
                        Duration.ofMillis(100), 8, 4).withAddresses(CallbackAddresses.allowing("127.0.0.0/8")));
        module = new PushModule(ApplicationRegistry.parse("demo:" + SECRET), sockets, sessions, limits,
                SockJsOptions.defaults(), CallbackObserver.NONE, new PushMetrics() {
                    @Override
                    public void sessionRefused(SessionRefusal reason) {
                        refusals.add(reason);
                    }
                });
    }

    @AfterEach
    void stop() {
        module.close();
        server.close();
        sessions.close();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String authorize(String client) throws Exception {
        return await(sockets.authorize("demo", client, server.uri("/cb"))).socket().socketId();
    }

    /** What the service answered to the last {@link #open}. */
    private Admission lastAdmission;

    /** Creates the session in the store as a first poll does, then lets the service open it. */
    private StoreSessionHandle open(String socketId, String sessionId) throws Exception {
        SessionKey key = new SessionKey(socketId, sessionId);
        ReceiverId receiver = new ReceiverId("test", connections.incrementAndGet());
        assertEquals(Claim.Outcome.OPENED, await(sessions.claim(key, ClaimMode.POLL,
                SessionStore.Creation.CREATE_IF_MISSING, new IdleReceiver(receiver))).outcome());
        await(sessions.release(key, receiver, 0, Duration.ofMinutes(5)));
        StoreSessionHandle session = new StoreSessionHandle(key, sessions);
        lastAdmission = await(module.service().onOpen(session));
        return session;
    }

    private Claim poll(SessionKey key) throws Exception {
        return await(sessions.claim(key, ClaimMode.POLL, SessionStore.Creation.CREATE_IF_MISSING,
                new IdleReceiver(new ReceiverId("test", connections.incrementAndGet()))));
    }

    @Test
    void theResolverTakesNewSessionsForLiveSocketsOnly() throws Exception {
        String socket = authorize("c1");
        SockJsEndpoint endpoint = await(module.resolver().resolve(socket)).orElseThrow();
        assertEquals(socket, endpoint.scope());
        assertEquals(1000, endpoint.options().maxMessageBytes());
        assertEquals(module.service(), endpoint.service());
        assertTrue(endpoint.acceptsNewSessions());
        assertEquals(Optional.empty(), await(module.resolver().resolve("echo")), "cannot be a socket id");
        String unknown = SocketIds.next();
        SockJsEndpoint never = await(module.resolver().resolve(unknown)).orElseThrow();
        assertEquals(unknown, never.scope());
        assertFalse(never.acceptsNewSessions());
        await(sockets.revoke("demo", "c1"));
        // Gone, but still resolved: its closed sessions must hand out their close frame.
        SockJsEndpoint revoked = await(module.resolver().resolve(socket)).orElseThrow();
        assertEquals(socket, revoked.scope());
        assertEquals(module.service(), revoked.service());
        assertFalse(revoked.acceptsNewSessions());
    }

    @Test
    void admittedSessionsJoinTheIndexUpToTheLimitAndLeaveOnClose() throws Exception {
        String socket = authorize("c1");
        StoreSessionHandle first = open(socket, "s1");
        open(socket, "s2");
        assertEquals(Admission.admitted(), lastAdmission);
        open(socket, "s3");
        assertEquals(Optional.of(Set.of("s1", "s2")), MemorySocketIndex.of(sockets, socket), "in the index once admitted");
        // The transport closes a refused session with the refusal, which its client gets instead of "o".
        assertEquals("c[4002,\"Too many sessions for this socket\"]", lastAdmission.refusal().text());
        assertEquals(List.of(PushMetrics.SessionRefusal.TOO_MANY_SESSIONS), refusals);

        // The notice of a session's end comes after the store closed it; while it is open, the id
        // may be a successor's, which a late notice must not unlist.
        module.service().onClose(first);
        assertEquals(Optional.of(Set.of("s1", "s2")), MemorySocketIndex.of(sockets, socket), "still open in the store");
        await(sessions.close(first.key(), SockJsFrame.close(3000, "Go away!")));
        module.service().onClose(first);
        assertEquals(Optional.of(Set.of("s2")), MemorySocketIndex.of(sockets, socket));
        open(socket, "s4");
        assertEquals(Optional.of(Set.of("s2", "s4")), MemorySocketIndex.of(sockets, socket));
    }

    @Test
    void aSessionOfAGoneSocketIsRefusedWith4004() throws Exception {
        String socket = authorize("c1");
        await(sockets.revoke("demo", "c1"));
        open(socket, "s1");
        assertEquals(SockJsFrame.close(4004, "Unknown socket"), lastAdmission.refusal());
        assertEquals(List.of(PushMetrics.SessionRefusal.SOCKET_UNKNOWN), refusals);
    }

    @Test
    void clientMessagesReachTheCallbackInOrderSignedAndTheStageWaitsForThem() throws Exception {
        String socket = authorize("client-7");
        StoreSessionHandle session = open(socket, "s1");
        await(module.service().onMessages(session, List.of("one", "two")));
        assertEquals(2, server.received().size(), "settled before the stage completed");
        await(module.service().onMessages(session, List.of("three")));
        List<CallbackServer.Received> received = server.received();
        assertEquals(List.of("one", "two", "three"),
                received.stream().map(r -> CallbackPayload.fromJson(r.body()).message()).toList());
        for (CallbackServer.Received request : received) {
            assertEquals(new CallbackPayload(CallbackPayload.fromJson(request.body()).message(), "s1", "client-7"),
                    CallbackPayload.fromJson(request.body()));
            assertTrue(CallbackSignature.verify(SECRET, request.body().getBytes(StandardCharsets.UTF_8),
                    request.signature()));
        }
        assertEquals(3, module.callbackStats().delivered());
    }

    @Test
    void reauthorizingMovesLaterMessagesToTheNewCallback() throws Exception {
        String socket = authorize("c1");
        StoreSessionHandle session = open(socket, "s1");
        await(module.service().onMessages(session, List.of("old")));
        await(sockets.authorize("demo", "c1", server.uri("/new")));
        await(module.service().onMessages(session, List.of("new")));
        assertEquals(List.of("/cb", "/new"), server.received().stream().map(CallbackServer.Received::path).toList());
    }

    @Test
    void messagesForAGoneSocketAreDroppedAndTheSessionClosed() throws Exception {
        String socket = authorize("c1");
        StoreSessionHandle session = open(socket, "s1");
        await(sockets.revoke("demo", "c1"));
        await(module.service().onMessages(session, List.of("lost")));
        assertEquals(List.of(), server.received());
        Waits.await(() -> {
            try {
                return poll(session.key()).outcome() == Claim.Outcome.CLOSED;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "the session is closed", Duration.ofSeconds(10));
        assertEquals(SockJsFrame.close(4004, "Unknown socket"), poll(session.key()).closeFrame());
    }
}

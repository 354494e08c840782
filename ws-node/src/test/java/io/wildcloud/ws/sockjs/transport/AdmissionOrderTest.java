package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing of a new session reaches its client before the service has admitted it (issue 19): no
 * {@code o}, no response head, no websocket handshake answer. A message queued meanwhile waits for
 * the open frame; a refused session gets its close frame instead of {@code o}.
 */
class AdmissionOrderTest {

    private static final String UPGRADE = "Upgrade: websocket";
    private static final String[] WEBSOCKET_HEADERS = {UPGRADE, "Connection: Upgrade",
            "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"};

    private final CompletableFuture<Admission> admission = new CompletableFuture<>();
    private volatile SockJsSession opened;
    private final SockJsService service = new SockJsService() {
        @Override
        public CompletionStage<Admission> onOpen(SockJsSession session) {
            opened = session;
            return admission;
        }

        @Override
        public CompletionStage<Void> onMessages(SockJsSession session, List<String> messages) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onClose(SockJsSession session) {
        }
    };
    private final MemorySessionStore store = new MemorySessionStore();
    private final SockJsEndpoint endpoint = new SockJsEndpoint("adm", SockJsOptions.defaults(), service);
    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
            new SockJsHandler(prefix -> CompletableFuture.completedFuture(
                    prefix.equals("adm") ? Optional.of(endpoint) : Optional.empty()), store, "test-node"));

    @AfterEach
    void finish() {
        ch.close();
        ch.runPendingTasks();
        read(ch);
        assertFalse(ch.finish());
        store.close();
    }

    @Test
    void aPollAnswersOnlyOnceAdmittedAndTheMessageQueuedMeanwhileWaitsForTheNextPoll() {
        assertEquals("", exchange(ch, post("/adm/000/s1/xhr", "")), "nothing before the admission");
        opened.send("early").toCompletableFuture().join();
        admission.complete(Admission.admitted());
        assertTrue(read(ch).endsWith("\r\n\r\no\n"));
        assertTrue(exchange(ch, post("/adm/000/s1/xhr", "")).endsWith("\r\n\r\na[\"early\"]\n"));
    }

    @Test
    void aStreamStartsOnlyOnceAdmittedWithTheOpenFrameFirst() {
        assertEquals("", exchange(ch, post("/adm/000/s1/xhr_streaming", "")), "not even the response head");
        opened.send("early").toCompletableFuture().join();
        assertEquals("", read(ch));
        admission.complete(Admission.admitted());
        String written = read(ch);
        assertTrue(written.startsWith("HTTP/1.1 200 OK\r\n"), written);
        assertTrue(written.endsWith("\r\n2\r\no\n\r\nb\r\na[\"early\"]\n\r\n"), written);
    }

    @Test
    void aWebsocketHandshakeIsAnsweredOnlyOnceAdmitted() {
        assertEquals("", exchange(ch, get("/adm/000/s1/websocket", WEBSOCKET_HEADERS)), "no 101 yet");
        opened.send("early").toCompletableFuture().join();
        admission.complete(Admission.admitted());
        String written = read(ch);
        assertTrue(written.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), written);
        // Unmasked server text frames (0x81, read here as U+FFFD; then the length): "o", then the
        // message queued while the session was opening.
        assertTrue(written.endsWith("\r\n\r\n\ufffd\u0001o\ufffd\na[\"early\"]"), written);
    }

    @Test
    void aRefusedPollGetsTheCloseFrameInsteadOfTheOpenFrameAndStaysClosed() {
        exchange(ch, post("/adm/000/s1/xhr", ""));
        admission.complete(Admission.refused(CloseCodes.TOO_MANY_SESSIONS, CloseCodes.TOO_MANY_SESSIONS_REASON));
        assertTrue(read(ch).endsWith("\r\n\r\nc[4002,\"Too many sessions for this socket\"]\n"));
        assertEquals(SessionStatus.CLOSED,
                store.status(new SessionKey("adm", "s1")).toCompletableFuture().join());
        assertTrue(exchange(ch, post("/adm/000/s1/xhr", "")).endsWith("\r\n\r\nc[4002,\"Too many sessions for this socket\"]\n"));
    }

    @Test
    void aRefusedStreamGetsOnlyTheCloseFrame() {
        exchange(ch, get("/adm/000/s1/eventsource"));
        admission.complete(Admission.refused(CloseCodes.SOCKET_UNKNOWN, CloseCodes.SOCKET_UNKNOWN_REASON));
        String written = read(ch);
        assertFalse(written.contains("data: o\r\n"), written);
        assertTrue(written.contains("data: c[4004,\"Unknown socket\"]\r\n\r\n"), written);
        assertTrue(written.endsWith("0\r\n\r\n"), "the stream ends: " + written);
    }

    @Test
    void aFailedAdmissionRefusesWith4503() {
        exchange(ch, get("/adm/000/s1/websocket", WEBSOCKET_HEADERS));
        admission.completeExceptionally(new IllegalStateException("store down"));
        String written = read(ch);
        assertTrue(written.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), written);
        assertFalse(written.contains("\ufffd\u0001o"), written);
        assertTrue(written.contains("c[4503,\"Service unavailable\"]"), written);
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(0, store.size(), "a websocket session ends with its connection");
    }
}

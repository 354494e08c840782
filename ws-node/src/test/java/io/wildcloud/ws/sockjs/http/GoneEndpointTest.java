package io.wildcloud.ws.sockjs.http;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.testing.AdmittingService;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that accepts no new sessions (a revoked socket): it looks unknown (404), except that
 * a poll or stream of one of its sessions still in the store gets that session's close frame.
 */
class GoneEndpointTest {

    private static final String NOT_FOUND = "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain;charset=UTF-8\r\n"
            + "content-length: 0\r\n\r\n";
    private static final String NO_CACHE = "cache-control: no-store, no-cache, no-transform, must-revalidate, max-age=0\r\n";
    private static final String XHR_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: application/javascript;charset=UTF-8\r\n"
            + NO_CACHE + "access-control-allow-origin: *\r\n";
    private static final String REVOKED = "c[4001,\"Socket revoked\"]\n";
    private static final SockJsFrame REVOKED_FRAME =
            SockJsFrame.close(CloseCodes.SOCKET_REVOKED, CloseCodes.SOCKET_REVOKED_REASON);

    private final MemorySessionStore store = new MemorySessionStore();
    private volatile boolean gone;
    private final SockJsService service = new AdmittingService() { };
    // Scope "sock" for prefix "sock" only, as sockets are served; the flag says whether it is gone.
    private final SockJsHandler handler = new SockJsHandler(prefix -> CompletableFuture.completedFuture(
            prefix.equals("sock") ? Optional.of(new SockJsEndpoint(prefix, SockJsOptions.defaults(), service, !gone))
                    : Optional.empty()), store, "test-node");
    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
            handler);

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        store.close();
    }

    private static String xhr(String body) {
        return XHR_HEAD + "content-length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void unknownPrefixIsTheReference() {
        assertEquals(NOT_FOUND, exchange(ch, get("/nope/info")));
    }

    @Test
    void everythingButAnExistingSessionIs404AndCreatesNothing() {
        gone = true;
        for (String path : new String[] {"/sock", "/sock/", "/sock/info", "/sock/iframe.html", "/sock/websocket",
                "/sock/000/s1/websocket", "/sock/000/s1/eventsource", "/sock/000/s1/htmlfile?c=cb",
                "/sock/000/s1/jsonp?c=cb"}) {
            assertEquals(NOT_FOUND, exchange(ch, get(path, "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")), path);
        }
        assertEquals(NOT_FOUND, exchange(ch, post("/sock/000/s1/xhr", "")));
        assertEquals(NOT_FOUND, exchange(ch, post("/sock/000/s1/xhr_streaming", "")));
        assertEquals(SessionStatus.NOT_FOUND, store.status(new SessionKey("sock", "s1")).toCompletableFuture().join());
    }

    @Test
    void aWebsocketResolvedWithoutALookUpIs404BeforeTheUpgradeWhenTheClaimFindsItGone() {
        // As the push service resolves an upgrade: no look-up, the claim checks that the scope lives.
        java.util.concurrent.atomic.AtomicInteger lookUps = new java.util.concurrent.atomic.AtomicInteger();
        SockJsHandler upgrades = new SockJsHandler(new io.wildcloud.ws.sockjs.SockJsEndpointResolver() {
            @Override
            public CompletionStage<Optional<SockJsEndpoint>> resolve(String prefix) {
                lookUps.incrementAndGet();
                return CompletableFuture.completedFuture(Optional.empty());
            }

            @Override
            public CompletionStage<Optional<SockJsEndpoint>> resolveForUpgrade(String prefix) {
                return CompletableFuture.completedFuture(Optional.of(
                        new SockJsEndpoint(prefix, SockJsOptions.defaults(), service, true, true)));
            }
        }, store, "test-node");
        store.checkScopesWith(scope -> !gone);
        gone = true;
        String closing = "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain;charset=UTF-8\r\n"
                + "content-length: 0\r\nconnection: close\r\n\r\n";
        for (String path : new String[] {"/sock/000/s1/websocket", "/sock/websocket"}) {
            EmbeddedChannel upgrade = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                    upgrades);
            assertEquals(closing, exchange(upgrade, get(path, "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")), path);
            assertFalse(upgrade.isOpen(), "a websocket's pipeline serves no more HTTP: closed");
            assertFalse(upgrade.finish());
        }
        assertEquals(0, lookUps.get(), "no look-up before the upgrade");
        // A request that is no upgrade (no Upgrade header, or not a GET) is looked up as before: 404, not 400 or 405.
        EmbeddedChannel plain = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), upgrades);
        assertEquals(NOT_FOUND, exchange(plain, get("/sock/000/s1/websocket")));
        assertEquals(NOT_FOUND, exchange(plain, post("/sock/websocket", "")));
        assertFalse(plain.finish());
        assertEquals(2, lookUps.get());
        assertEquals(SessionStatus.NOT_FOUND, store.status(new SessionKey("sock", "s1")).toCompletableFuture().join());
    }

    @Test
    void aClosedSessionStillGivesItsCloseFrameToEveryPoll() {
        assertEquals(xhr("o\n"), exchange(ch, post("/sock/000/s1/xhr", "")));
        store.close(new SessionKey("sock", "s1"), REVOKED_FRAME).toCompletableFuture().join();
        gone = true;
        assertEquals(xhr(REVOKED), exchange(ch, post("/sock/000/s1/xhr", "")));
        assertEquals(xhr(REVOKED), exchange(ch, post("/sock/000/s1/xhr", "")), "while the closed session lives");
        assertEquals(NOT_FOUND, exchange(ch, post("/sock/000/s2/xhr", "")), "no new session beside it");
        assertEquals(NOT_FOUND, exchange(ch, get("/sock/info")));
    }

    @Test
    void anOpenSessionOfAGoneEndpointIsStillServed() {
        // Between the socket's removal and its sessions' close (revocation closes them right after):
        // a poll attaches as before, and is answered by the close when it comes.
        assertEquals(xhr("o\n"), exchange(ch, post("/sock/000/s1/xhr", "")));
        gone = true;
        assertEquals("", exchange(ch, post("/sock/000/s1/xhr", "")), "held");
        store.close(new SessionKey("sock", "s1"), REVOKED_FRAME).toCompletableFuture().join();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        assertEquals(xhr(REVOKED), read(ch));
    }
}

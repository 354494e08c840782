package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The SockJS-framed RFC 6455 websocket transport, {@code /<server>/<session>/websocket}. */
public abstract class WebsocketChecks extends ProtocolChecks {

    @Test
    void opensAndEchoes() {
        try (WsClient ws = websocket(newSession(target().echo()) + "/websocket")) {
            assertEquals("o", ws.nextText());
            ws.send("[\"a\"]");
            assertEquals("a[\"a\"]", ws.nextText());
        }
    }

    @Test
    void applicationCloseSendsCloseFrameThenEndsTheConnection() {
        try (WsClient ws = websocket(newSession(target().close()) + "/websocket")) {
            assertEquals("o", ws.nextText());
            assertEquals("c[3000,\"Go away!\"]", ws.nextText());
            ws.awaitEnd();
        }
    }

    @Test
    void handshakeHeadersFollowRfc6455() {
        String key = "x3JJHMbDL1EzLkh9GBhXDw==";
        String url = newSession(target().echo()) + "/websocket";
        try (RawHttp connection = http().connect(url)) {
            connection.send("GET", Http.target(URI.create(url)), "1.1", null,
                    "Upgrade", "websocket",
                    "Connection", "Upgrade",
                    "Sec-WebSocket-Version", "13",
                    "Sec-WebSocket-Origin", "http://asd",
                    "Sec-WebSocket-Key", key);
            RawResponse response = connection.readHead();
            assertStatus(101, response);
            assertEquals(acceptFor(key), response.header("sec-websocket-accept"));
            assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", response.header("sec-websocket-accept"));
            assertEquals("upgrade", response.headers().token("connection"));
            assertEquals("websocket", response.headers().token("upgrade"));
            assertFalse(response.headers().has("content-length"), () -> "101 with Content-Length:\n" + response);
        }
    }

    @Test
    void emptyMessagesAndEmptyArraysAreIgnored() {
        try (WsClient ws = websocket(newSession(target().echo()) + "/websocket")) {
            assertEquals("o", ws.nextText());
            ws.send("");
            ws.send("[]");
            ws.send("[\"a\"]");
            assertEquals("a[\"a\"]", ws.nextText());
        }
    }

    @Test
    void sessionIdMayBeReusedConcurrentlyAndAfterClose() {
        String url = newSession(target().echo()) + "/websocket";
        try (WsClient first = websocket(url); WsClient second = websocket(url)) {
            assertEquals("o", first.nextText());
            assertEquals("o", second.nextText());
            first.send("[\"a\"]");
            assertEquals("a[\"a\"]", first.nextText());
            second.send("[\"b\"]");
            assertEquals("a[\"b\"]", second.nextText());
        }
        try (WsClient again = websocket(url)) {
            assertEquals("o", again.nextText());
            again.send("[\"a\"]");
            assertEquals("a[\"a\"]", again.nextText());
        }
    }

    @Test
    void brokenJsonEndsTheConnection() {
        try (WsClient ws = websocket(newSession(target().echo()) + "/websocket")) {
            assertEquals("o", ws.nextText());
            ws.send("[\"a");
            WsClient.Event end = ws.awaitEnd();
            assertTrue(end instanceof WsClient.Closed || end instanceof WsClient.Failed, end::toString);
        }
    }

    /** RFC 6455 section 4.2.2: base64(SHA-1(key + GUID)). */
    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** HTTP/1.0 and 1.1 framing: Content-Length, chunking, keep-alive and closing, byte by byte. */
public abstract class HttpVersionChecks extends ProtocolChecks {

    private static final String GREETING = "Welcome to SockJS!\n";

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void http10GreetingIsFramedByLengthOrByClose() {
        String url = target().echo();
        try (RawHttp connection = http().connect(url)) {
            connection.send("GET", Http.target(URI.create(url)), "1.0", null, "Connection", "Keep-Alive");
            RawResponse head = connection.readHead();
            assertStatus(200, head);
            assertTrue(Set.of("1.0", "1.1").contains(head.version()), head.version());
            assertFalse(head.headers().has("transfer-encoding"), "HTTP/1.0 has no chunking");

            String length = head.header("content-length");
            if (length == null) {
                assertEquals("close", head.headers().token("connection"));
                assertEquals(GREETING, ascii(connection.readUntilClosed()));
                return;
            }
            assertEquals(19, Integer.parseInt(length));
            assertEquals(GREETING, ascii(connection.readExactly(19)));
            String connectionToken = head.headers().token("connection");
            if (connectionToken.isEmpty() || connectionToken.equals("close")) {
                assertTrue(connection.isClosedByServer(), "HTTP/1.0 without keep-alive must close");
            } else {
                assertEquals("keep-alive", connectionToken);
                RawResponse again = connection.exchange("GET", Http.target(URI.create(url)), "1.0", null,
                        "Connection", "Keep-Alive");
                assertStatus(200, again);
                assertEquals(GREETING, again.bodyText());
            }
        }
    }

    @Test
    void http10StreamIsUnframedAndEndsByClosingTheConnection() {
        String url = newSession(target().close()) + "/xhr_streaming";
        try (RawHttp connection = http().connect(url)) {
            connection.send("POST", Http.target(URI.create(url)), "1.0", new byte[0], "Connection", "Keep-Alive");
            RawResponse head = connection.readHead();
            assertStatus(200, head);
            assertFalse(head.headers().has("transfer-encoding"), "HTTP/1.0 has no chunking");
            assertFalse(head.headers().has("content-length"), "a stream's length is not known");

            assertEquals(XhrStreamingChecks.PRELUDE, ascii(connection.readExactly(2049)));
            assertEquals("o\n", ascii(connection.readExactly(2)));
            assertEquals("c[3000,\"Go away!\"]\n", ascii(connection.readExactly(19)));
            assertTrue(connection.isClosedByServer(), "the stream ends by closing the connection");
        }
    }

    @Test
    void http11GreetingKeepsTheConnectionAlive() {
        String url = target().echo();
        String path = Http.target(URI.create(url));
        try (RawHttp connection = http().connect(url)) {
            connection.send("GET", path, "1.1", null, "Connection", "Keep-Alive");
            RawResponse head = connection.readHead();
            assertStatus(200, head);
            assertTrue(Set.of("keep-alive", "").contains(head.headers().token("connection")),
                    () -> "keep-alive expected:\n" + head);
            if (head.headers().has("content-length")) {
                assertEquals(19, Integer.parseInt(head.header("content-length")));
                assertFalse(head.headers().has("transfer-encoding"));
                assertEquals(GREETING, ascii(connection.readExactly(19)));
            } else {
                assertEquals("chunked", head.headers().token("transfer-encoding"));
                assertEquals(GREETING, ascii(connection.readChunk()));
                assertEquals("", ascii(connection.readChunk()));
            }
            RawResponse again = connection.exchange("GET", path, "1.1", null, "Connection", "Keep-Alive");
            assertStatus(200, again);
            assertEquals(GREETING, again.bodyText());
        }
    }

    @Test
    void http11StreamSendsEachFrameAsOneChunkAndTheTerminatingChunk() {
        String url = newSession(target().close()) + "/xhr_streaming";
        try (RawHttp connection = http().connect(url)) {
            connection.send("POST", Http.target(URI.create(url)), "1.1", new byte[0], "Connection", "Keep-Alive");
            RawResponse head = connection.readHead();
            assertStatus(200, head);
            assertEquals("chunked", head.headers().token("transfer-encoding"));
            assertFalse(head.headers().has("content-length"));

            assertEquals(XhrStreamingChecks.PRELUDE, ascii(connection.readChunk()));
            assertEquals("o\n", ascii(connection.readChunk()));
            assertEquals("c[3000,\"Go away!\"]\n", ascii(connection.readChunk()));
            assertEquals("", ascii(connection.readChunk()));
        }
    }

    @Test
    void postWithoutContentLengthOpensASession() {
        String url = newSession(target().echo()) + "/xhr";
        try (RawHttp connection = http().connect(url)) {
            // No body and, unlike every browser, no Content-Length header at all.
            RawResponse response = connection.exchange("POST", Http.target(URI.create(url)), "1.1", null);
            assertStatus(200, response);
            assertEquals("o\n", response.bodyText());
        }
    }
}

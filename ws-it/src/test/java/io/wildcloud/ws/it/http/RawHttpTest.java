package io.wildcloud.ws.it.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The raw client reports exactly what a server sent, and fails instead of waiting forever. */
class RawHttpTest {

    private static RawHttp connect(ScriptedServer server) {
        return RawHttp.connect(URI.create("http://127.0.0.1:" + server.address().getPort()), Duration.ofMillis(500));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void chunksComeOneByOneWithDuplicateHeadersKept() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            ScriptedServer.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + "3;ext=1\r\nabc\r\n1\r\n\n\r\n0\r\nTrailer: x\r\n\r\n"
                    + "HTTP/1.1 204 No Content\r\n\r\n");
            socket.getInputStream().read();
        }); RawHttp client = connect(server)) {
            client.send("GET", "/", "1.1", null);
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("1.1", head.version());
            assertEquals(List.of("a=1", "b=2"), head.headers().all("SET-COOKIE"));
            assertThrows(AssertionError.class, () -> head.header("set-cookie"), "a duplicated header is a finding");
            assertTrue(head.isChunked());
            assertEquals("abc", text(client.readChunk()));
            assertEquals("\n", text(client.readChunk()));
            assertEquals(0, client.readChunk().length);
            // The trailer was consumed: the next response on the connection reads cleanly.
            RawResponse next = client.readResponse("GET");
            assertEquals(204, next.status());
            assertNull(next.header("content-length"));
        }
    }

    @Test
    void requestIsWrittenAsGivenWithHostAndLengthAdded() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        try (ScriptedServer server = new ScriptedServer(socket -> {
            String head = ScriptedServer.readHead(socket.getInputStream());
            byte[] body = socket.getInputStream().readNBytes(2);
            seen.complete(head + new String(body, StandardCharsets.UTF_8));
            ScriptedServer.write(socket, "HTTP/1.0 200 OK\r\n\r\nuntil close");
        }); RawHttp client = connect(server)) {
            RawResponse response = client.exchange("POST", "/a%20b?x=1", "1.0", "hi".getBytes(StandardCharsets.UTF_8),
                    "X-Test", "1");
            assertEquals("until close", response.bodyText());
            assertTrue(client.isClosedByServer());
            String request = seen.get(2, TimeUnit.SECONDS);
            assertEquals("POST /a%20b?x=1 HTTP/1.0\r\nX-Test: 1\r\nHost: 127.0.0.1:" + server.address().getPort()
                    + "\r\nContent-Length: 2\r\n\r\nhi", request);
        }
    }

    @Test
    void silentServerFailsTheReadWithinTheTimeout() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            ScriptedServer.readHead(socket.getInputStream());
            socket.getInputStream().read(); // holds the connection, answering nothing, until the client goes
        });
             RawHttp client = connect(server)) {
            client.send("GET", "/", "1.1", null);
            long start = System.nanoTime();
            AssertionError error = assertThrows(AssertionError.class, client::readHead);
            assertTrue(error.getMessage().contains("no data from the server within"), error.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
            assertFalse(client.isClosedByServer(), "the server did not close");
        }
    }

    @Test
    void truncatedChunkIsReportedNotPadded() throws Exception {
        try (ScriptedServer server = new ScriptedServer(socket -> {
            ScriptedServer.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
        }); RawHttp client = connect(server)) {
            client.send("GET", "/", "1.1", null);
            client.readHead();
            AssertionError error = assertThrows(AssertionError.class, client::readChunk);
            assertTrue(error.getMessage().contains("connection closed after 2 of 5 bytes"), error.getMessage());
        }
    }
}

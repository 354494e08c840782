package io.wildcloud.ws.sockjs.testmode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The protocol-test endpoints over real sockets: websockets with the JDK client, streaming with raw HTTP. */
class SockJsTestServerTest {

    private static SockJsTestServer server;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws InterruptedException {
        server = SockJsTestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sockJsWebsocketEchoesAndSharesSessionIds() throws Exception {
        String url = "ws://127.0.0.1:" + server.port() + "/echo/000/shared/websocket";
        Events first = connect(url);
        Events second = connect(url);
        assertEquals("o", first.next());
        assertEquals("o", second.next(), "a second websocket on the same session id gets its own session");
        first.socket.sendText("[\"a\"]", true).join();
        second.socket.sendText("[\"b\"]", true).join();
        assertEquals("a[\"a\"]", first.next());
        assertEquals("a[\"b\"]", second.next());
        first.socket.sendClose(1000, "").join();
        second.socket.sendClose(1000, "").join();
        assertEquals("close 1000", first.next());
        assertEquals("close 1000", second.next());
    }

    @Test
    void closeEndpointSendsGoAwayThenCloses() throws Exception {
        Events events = connect("ws://127.0.0.1:" + server.port() + "/close/000/s1/websocket");
        assertEquals("o", events.next());
        assertEquals("c[3000,\"Go away!\"]", events.next());
        assertEquals("close 1000", events.next());
    }

    @Test
    void rawWebsocketEchoesAndClosesWith3000() throws Exception {
        Events echo = connect("ws://127.0.0.1:" + server.port() + "/echo/websocket");
        echo.socket.sendText("Hello world!\uffff", true).join();
        assertEquals("Hello world!\uffff", echo.next());
        echo.socket.sendClose(1000, "").join();

        Events close = connect("ws://127.0.0.1:" + server.port() + "/close/websocket");
        assertEquals("close 3000 Go away!", close.next());
    }

    @Test
    void xhrStreamingOverTcpEndsWithTheTerminatingChunk() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /close/000/tcp1/xhr_streaming HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readUntil(socket.getInputStream(), "0\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            assertTrue(response.endsWith("801\r\n" + "h".repeat(2048) + "\n\r\n2\r\no\n\r\n"
                    + "13\r\nc[3000,\"Go away!\"]\n\r\n0\r\n\r\n"), response);
        }
    }

    @Test
    void websocketClientThatDoesNotReadIsCutOff() throws Exception {
        byte[] payload = ("[\"" + "x".repeat(60_000) + "\"]").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[8 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | 126);
        frame[2] = (byte) (payload.length >> 8);
        frame[3] = (byte) payload.length;
        byte[] mask = {1, 2, 3, 4};
        System.arraycopy(mask, 0, frame, 4, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[8 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(3_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /echo/000/slow/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // RFC 6455: no frame before the handshake answer (and the open frame) arrived.
            InputStream in = socket.getInputStream();
            readUntil(in, "\r\n\r\n\u0081\u0001o");
            long sent = 0;
            try {
                for (int i = 0; i < 400; i++) { // 24 MB of echo, far past the 4 MiB backlog limit
                    out.write(frame);
                    sent += payload.length;
                }
            } catch (java.io.IOException cutOff) {
                // the server closed the connection while we were still writing: what we expect
            }
            long received = 0;
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received += n;
                }
            } catch (java.net.SocketException reset) {
                // a reset also ends the connection
            }
            assertTrue(received < sent, "the server buffered everything for a client that did not read: "
                    + received + " of " + sent);
        }
    }

    private static String readUntil(InputStream in, String end) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!text.toString().endsWith(end)) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    private static Events connect(String url) {
        Events events = new Events();
        events.socket = CLIENT.newWebSocketBuilder().buildAsync(URI.create(url), events).orTimeout(5, TimeUnit.SECONDS)
                .join();
        return events;
    }

    /** What a websocket received, in order: texts, then "close <code> <reason>". */
    private static final class Events implements WebSocket.Listener {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                queue.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            queue.add(("close " + statusCode + " " + reason).trim());
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            queue.add("error " + error);
        }

        String next() throws InterruptedException {
            String event = queue.poll(5, TimeUnit.SECONDS);
            assertNotNull(event, "nothing received within 5 s");
            return event;
        }
    }
}

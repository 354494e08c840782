package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, row 8: websocket frames that break RFC 6455 get the close code the RFC names, on the
 * raw websocket and on SockJS's: a fragmented message over max-message-bytes 1009 (main closed TCP
 * without one), RSV1 with no extension negotiated 1002 (main took the frame), invalid UTF-8 in a text
 * message 1007 (main took it, as replacement characters).
 */
class WebSocketProtocolErrorsAttackTest {

    private static final int MAX_MESSAGE_BYTES = 65536; // the default of max-message-bytes
    private static HostileNode node;
    private static String socket;

    @BeforeAll
    static void start() {
        // Its bulk test opens 150 sessions of one socket in seconds: the new-session bound is not what it attacks.
        node = HostileNode.start("ws-protocol-errors", "--max-new-sessions-per-second=200", "--new-session-burst=200");
        socket = node.authorize("malformer");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void fragmentedMessageOverTheLimitClosesWith1009() throws IOException {
        for (String path : paths()) {
            try (RawWebSocket ws = open(path)) {
                byte[] half = new byte[MAX_MESSAGE_BYTES / 2 + 1];
                Arrays.fill(half, (byte) 'x');
                ws.send(RawWebSocket.TEXT, half); // no FIN: more follows
                ws.send(RawWebSocket.FIN | RawWebSocket.CONTINUATION, half);
                assertEquals(1009, ws.readUntilClose().closeCode(), path);
            }
        }
    }

    @Test
    void rsv1WithoutANegotiatedExtensionClosesWith1002() throws IOException {
        for (String path : paths()) {
            try (RawWebSocket ws = open(path)) {
                ws.send(RawWebSocket.FIN | RawWebSocket.RSV1 | RawWebSocket.TEXT, "[\"x\"]".getBytes(StandardCharsets.UTF_8));
                assertEquals(1002, ws.readUntilClose().closeCode(), path);
                assertTrue(ws.closedByServerWithin(Duration.ofSeconds(2)), path);
            }
        }
    }

    @Test
    void invalidUtf8TextClosesWith1007() throws IOException {
        byte[] invalid = {'[', '"', (byte) 0xc3, (byte) 0x28, '"', ']'}; // 0xc3 starts a 2-byte sequence, '(' cannot continue it
        for (String path : paths()) {
            try (RawWebSocket ws = open(path)) {
                ws.send(RawWebSocket.FIN | RawWebSocket.TEXT, invalid);
                assertEquals(1007, ws.readUntilClose().closeCode(), path);
                assertTrue(ws.closedByServerWithin(Duration.ofSeconds(2)), path);
            }
        }
    }

    @Test
    void malformedFramesInBulkLeaveTheNodeHealthy() throws Exception {
        long logBefore = node.logBytes();
        byte[] invalid = {(byte) 0xff, (byte) 0xfe};
        node.assertSurvives(Duration.ofSeconds(1), () -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int i = 0; i < 150 && System.nanoTime() < deadline; i++) {
                try (RawWebSocket ws = open(paths().get(i % 2))) {
                    switch (i % 3) {
                        case 0 -> ws.send(RawWebSocket.FIN | RawWebSocket.RSV1 | RawWebSocket.TEXT, invalid);
                        case 1 -> ws.send(RawWebSocket.FIN | RawWebSocket.TEXT, invalid);
                        default -> {
                            ws.send(RawWebSocket.TEXT, new byte[MAX_MESSAGE_BYTES]);
                            ws.send(RawWebSocket.FIN | RawWebSocket.CONTINUATION, new byte[1]);
                        }
                    }
                    int code = ws.readUntilClose().closeCode();
                    assertTrue(code == 1002 || code == 1007 || code == 1009, "close " + code);
                }
            }
        });
        assertTrue(node.logBytes() - logBefore < 32 * 1024, "log grew by " + (node.logBytes() - logBefore));
    }

    /** The raw websocket, and SockJS's websocket of a fresh session. */
    private static List<String> paths() {
        return List.of("/" + socket + "/websocket",
                "/" + socket + "/000/" + Long.toHexString(System.nanoTime()) + "/websocket");
    }

    private static RawWebSocket open(String path) {
        return RawWebSocket.open(node.node().publicPort(), path, null, 64 * 1024);
    }
}

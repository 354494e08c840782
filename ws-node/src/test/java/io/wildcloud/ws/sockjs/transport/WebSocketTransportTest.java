package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.testmode.HttpText;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketTransportTest {

    private static final String UPGRADE = "Upgrade: websocket";
    private static final String CONNECTION = "Connection: Upgrade";
    private static final String KEY = "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==";
    private static final String VERSION = "Sec-WebSocket-Version: 13";

    private final SockJsChannels channels = new SockJsChannels();
    private final EmbeddedChannel ch = channels.open();

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        channels.close();
    }

    @Test
    void plainGetIs400() {
        HttpText response = HttpText.parse(exchange(ch, get("/echo/0/0/websocket")));
        assertEquals(400, response.status());
        assertEquals("Can \"Upgrade\" only to \"WebSocket\".", response.body());
    }

    @Test
    void connectionHeaderOtherThanUpgradeIs400() {
        HttpText response = HttpText.parse(exchange(ch, get("/echo/0/0/websocket", "Upgrade: WebSocket",
                "Connection: close")));
        assertEquals(400, response.status());
        assertEquals("\"Connection\" must be \"Upgrade\".", response.body());
    }

    @Test
    void postIs405WithAllowAndNoBody() {
        for (String[] headers : new String[][] {{"Upgrade: WebSocket", CONNECTION}, {}}) {
            HttpText response = HttpText.parse(exchange(ch, post("/echo/0/0/websocket", "", headers)));
            assertEquals(405, response.status());
            assertEquals("GET", response.header("allow"));
            assertNull(response.header("content-type"));
            assertEquals("", response.body());
        }
    }

    @Test
    void disabledWebsocketIs404() {
        assertEquals(404, HttpText.parse(exchange(ch, get("/disabled_websocket_echo/0/0/websocket",
                UPGRADE, CONNECTION, KEY, VERSION))).status());
        assertEquals(404, HttpText.parse(exchange(ch, get("/disabled_websocket_echo/websocket",
                UPGRADE, CONNECTION, KEY, VERSION))).status());
    }

    @Test
    void handshakeThenSockJsFramesAsTextMessages() {
        String response = exchangeBytes(get("/echo/000/s1/websocket", UPGRADE, CONNECTION, KEY, VERSION,
                "Sec-WebSocket-Origin: http://asd"));
        int headEnd = response.indexOf("\r\n\r\n") + 4;
        HttpText head = HttpText.parse(response.substring(0, headEnd));
        assertEquals(101, head.status());
        assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", head.header("sec-websocket-accept"));
        assertEquals("upgrade", head.header("connection").toLowerCase());
        assertEquals("websocket", head.header("upgrade").toLowerCase());
        assertNull(head.header("content-length"));
        assertEquals("\u0081\u0001o", response.substring(headEnd), "the open frame, one unmasked text message");

        ch.writeInbound(clientText(""));
        ch.writeInbound(clientText("[]"));
        ch.writeInbound(clientText("[\"a\"]"));
        assertArrayEquals(serverText("a[\"a\"]"), readBytes());

        ch.writeInbound(clientText("[\"a"));
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "broken JSON ends the connection");
        ch.runPendingTasks();
        assertEquals(SessionStatus.NOT_FOUND,
                channels.store().status(new SessionKey("echo", "s1")).toCompletableFuture().join(),
                "a websocket's session ends with it");
    }

    @Test
    void heartbeatFramesKeepTheWebsocketAlive() {
        exchangeBytes(get("/echo/000/s1/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        ch.advanceTimeBy(25, java.util.concurrent.TimeUnit.SECONDS);
        assertArrayEquals(serverText("h"), readBytes());
        ch.advanceTimeBy(25, java.util.concurrent.TimeUnit.SECONDS);
        assertArrayEquals(serverText("h"), readBytes());
        ch.close();
    }

    @Test
    void closedSessionSendsTheCloseFrameThenClosesTheWebsocket() {
        String response = exchangeBytes(get("/close/000/s1/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        String frames = response.substring(response.indexOf("\r\n\r\n") + 4);
        String close = "c[3000,\"Go away!\"]";
        // o, then the close frame, then a websocket close 1000 (0x03e8) with no reason.
        assertEquals("\u0081\u0001o" + "\u0081" + (char) close.length() + close + "\u0088\u0002\u0003\u00e8", frames);
        assertTrue(ch.isOpen(), "the close handshake waits for the client's answer");
        ch.writeInbound(clientClose());
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void rawWebsocketClosesWithTheSessionsCodeAndReason() {
        String response = exchangeBytes(get("/close/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        String frames = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertEquals("\u0088\n\u000b\u00b8Go away!", frames, "close 3000 (0x0bb8) \"Go away!\"");
        ch.writeInbound(clientText("ignored after the close"));
        ch.runPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "a client that never answers the close is cut off after the grace period");
    }

    @Test
    void rawWebsocketEchoesTextAsIs() {
        exchange(ch, get("/echo/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        ch.writeInbound(clientText("Hello world!\uffff"));
        assertArrayEquals(serverText("Hello world!\uffff"), readBytes());
        ch.close();
    }

    @Test
    void frameWithRsv1WithoutAnExtensionClosesWith1002() {
        exchangeBytes(get("/echo/000/s1/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        ch.writeInbound(clientFrame(0x80 | 0x40 | 0x1, "[\"a\"]".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1002, closeCode(readBytes()));
        assertFalse(ch.isOpen());
    }

    @Test
    void invalidUtf8TextClosesWith1007() {
        exchangeBytes(get("/echo/000/s1/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        ch.writeInbound(clientFrame(0x81, new byte[] {'[', '"', (byte) 0xc3, (byte) 0x28, '"', ']'}));
        assertEquals(1007, closeCode(readBytes()));
        assertFalse(ch.isOpen());
    }

    @Test
    void invalidUtf8SplitOverFragmentsClosesWith1007() {
        exchange(ch, get("/echo/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        ch.writeInbound(clientFrame(0x01, new byte[] {'a', (byte) 0xe2, (byte) 0x82}));
        ch.writeInbound(clientFrame(0x80, new byte[] {(byte) 0x41}));
        assertEquals(1007, closeCode(readBytes()));
        assertFalse(ch.isOpen());
    }

    @Test
    void fragmentedMessageOverTheLimitClosesWith1009() {
        exchange(ch, get("/echo/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        byte[] fragment = new byte[100];
        java.util.Arrays.fill(fragment, (byte) 'x');
        int limit = io.wildcloud.ws.sockjs.SockJsOptions.DEFAULT_MAX_MESSAGE_BYTES;
        ch.writeInbound(clientFrame(0x01, fragment));
        for (int sent = fragment.length; sent <= limit; sent += fragment.length) {
            ch.writeInbound(clientFrame(0x00, fragment));
        }
        assertEquals(1009, closeCode(readBytes()));
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void aMessageInMoreFragmentsThanTheBoundClosesWith1008() {
        exchange(ch, get("/echo/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        int bound = 4096;
        ch.writeInbound(clientFrame(0x01, new byte[] {'x'}));
        for (int i = 2; i < bound; i++) {
            ch.writeInbound(clientFrame(0x00, new byte[] {'x'}));
        }
        ch.writeInbound(clientFrame(0x80, new byte[] {'x'}));
        byte[] echoed = readBytes();
        assertEquals(4 + bound, echoed.length, "a message in " + bound + " fragments is echoed whole");
        ch.writeInbound(clientFrame(0x01, new byte[] {'x'}));
        for (int i = 2; i <= bound; i++) {
            ch.writeInbound(clientFrame(0x00, new byte[] {'x'}));
        }
        ch.writeInbound(clientFrame(0x00, new byte[] {'x'}));
        byte[] after = readBytes();
        assertEquals(1008, closeCode(after), "the fragment past the bound closes");
        assertFalse(ch.config().isAutoRead(), "nothing more is read");
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "closed after the grace");
    }

    @Test
    void pingsBeyondTheBudgetCloseWith1008() {
        ch.freezeTime(); // no refill between the burst and the flood
        exchange(ch, get("/echo/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        int burst = io.wildcloud.ws.sockjs.PeerPolicy.DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND;
        for (int i = 0; i < burst; i++) {
            ch.writeInbound(clientFrame(0x89, new byte[] {'p'}));
        }
        byte[] pongs = readBytes();
        assertEquals(burst * 3, pongs.length, "one pong per ping within the burst");
        assertEquals((byte) 0x8a, pongs[0]);
        for (int i = 0; i < 1000; i++) {
            ch.writeInbound(clientFrame(0x89, new byte[] {'p'}));
        }
        byte[] after = readBytes();
        assertEquals(1008, closeCode(after), "the first ping over the budget closes, the rest get nothing");
        assertFalse(ch.config().isAutoRead(), "nothing more is read from a flooder");
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "closed after the grace");
    }

    @Test
    void clientCloseIsAnsweredWithTheSameCloseAndEndsTheSession() {
        exchangeBytes(get("/echo/000/s1/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        ch.writeInbound(clientFrame(0x88, new byte[] {0x03, (byte) 0xe9, 'b', 'y', 'e'}));
        assertArrayEquals(new byte[] {(byte) 0x88, 5, 0x03, (byte) 0xe9, 'b', 'y', 'e'}, readBytes(),
                "the client's close 1001 \"bye\", echoed");
        assertFalse(ch.isOpen());
        ch.runPendingTasks();
        assertEquals(SessionStatus.NOT_FOUND,
                channels.store().status(new SessionKey("echo", "s1")).toCompletableFuture().join());
    }

    @Test
    void pingsMeetTheBudgetBeforeNettysProtocolHandler() {
        exchangeBytes(get("/echo/000/s1/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        java.util.List<String> names = ch.pipeline().names();
        java.util.List<String> order = java.util.List.of(PipelineNames.WS_CONTROL_FRAMES,
                PipelineNames.WS_CLOSE_HANDSHAKE, PipelineNames.WS_UTF8_VALIDATOR,
                PipelineNames.WS_PROTOCOL, PipelineNames.WS_AGGREGATOR, PipelineNames.WEBSOCKET);
        int previous = -1;
        for (String name : order) {
            int at = names.indexOf(name);
            assertTrue(at > previous, name + " after the handlers before it in " + names);
            previous = at;
        }
        assertTrue(names.indexOf("wsdecoder") < names.indexOf(order.get(0)), names.toString());
        ch.close();
    }

    @Test
    void aFloodReadInOneGoAsksForNoMoreReads() {
        ch.freezeTime();
        AtomicInteger reads = new AtomicInteger();
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        });
        exchange(ch, get("/echo/websocket", UPGRADE, CONNECTION, KEY, VERSION));
        int readsBefore = reads.get();
        // Pings within the budget and over it in one read: Netty's protocol handler answers the
        // first ones and passes nothing on, which alone would make it ask for the next read.
        ByteBuf flood = Unpooled.buffer();
        for (int i = 0; i < 2 * io.wildcloud.ws.sockjs.PeerPolicy.DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND; i++) {
            ByteBuf ping = clientFrame(0x89, new byte[] {'p'});
            flood.writeBytes(ping);
            ping.release();
        }
        ch.writeInbound(flood);
        ch.runPendingTasks();
        assertFalse(ch.config().isAutoRead());
        assertEquals(readsBefore, reads.get(), "nothing asks for a read after the budget is spent");
        readBytes(); // the pongs and the close
        ch.close();
    }

    /** The status code of {@code bytes}, which must be exactly one unmasked close frame. */
    private static int closeCode(byte[] bytes) {
        assertEquals((byte) 0x88, bytes[0], "a close frame");
        int length = bytes[1] & 0x7f;
        assertEquals(bytes.length, 2 + length, "one close frame and nothing else");
        return ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
    }

    /** Sends a request; the answer's bytes one char each (ISO-8859-1), so frame headers compare exactly. */
    private String exchangeBytes(String request) {
        SockJsChannels.send(ch, request);
        return new String(readBytes(), StandardCharsets.ISO_8859_1);
    }

    /** A masked client text frame, under 126 bytes. */
    private static ByteBuf clientText(String text) {
        return clientFrame(0x81, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The client's close 1000, answering the server's. */
    private static ByteBuf clientClose() {
        return clientFrame(0x88, new byte[] {0x03, (byte) 0xe8});
    }

    private static ByteBuf clientFrame(int opcodeByte, byte[] payload) {
        byte[] mask = {1, 2, 3, 4};
        ByteBuf frame = Unpooled.buffer();
        frame.writeByte(opcodeByte);
        if (payload.length < 126) {
            frame.writeByte(0x80 | payload.length);
        } else {
            frame.writeByte(0x80 | 126).writeShort(payload.length);
        }
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.writeByte(payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static byte[] serverText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x81);
        out.write(payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private byte[] readBytes() {
        ch.runPendingTasks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object msg; (msg = ch.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
        assertTrue(out.size() > 0, "nothing written");
        return out.toByteArray();
    }
}

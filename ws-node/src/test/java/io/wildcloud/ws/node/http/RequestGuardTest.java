package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.node.config.ConnectionLimits;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard between a real HTTP codec and a handler that answers every request 200 "ok". */
class RequestGuardTest {

    private static final int MAX_BODY = 100;
    private static final ConnectionLimits LIMITS =
            NodeConfig.from(Settings.load(new String[0], Map.of())).connectionLimits();

    @Test
    void aMalformedEscapeGets400AndTheConnectionEnds() {
        EmbeddedChannel channel = channel(new RequestMemory(1 << 20));
        channel.writeInbound(ascii("GET /x/000/%ZZ/xhr HTTP/1.1\r\nHost: n\r\n\r\n"));
        String body = "{\"error\":\"bad_request\",\"message\":\"The request target has a malformed percent-escape;"
                + " encode a literal % as %25.\"}";
        assertEquals("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=UTF-8\r\n"
                + "content-length: " + body.length() + "\r\nconnection: close\r\n\r\n" + body, written(channel));
        assertEquals(List.of(Refusal.BAD_REQUEST), refused);
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void aBadEscapeInTheQueryIsLeftToTheHandlers() {
        // SockJS answers a bad escape in its callback parameter with its own error.
        EmbeddedChannel channel = channel(new RequestMemory(1 << 20));
        channel.writeInbound(ascii("GET /echo/000/s/jsonp?c=abc% HTTP/1.1\r\n\r\n"));
        assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", written(channel));
        assertFalse(channel.finish());
    }

    @Test
    void headersOverTheDecoderLimitGet431() {
        EmbeddedChannel channel = channel(new RequestMemory(1 << 20));
        channel.writeInbound(ascii("GET /health HTTP/1.1\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n"));
        assertTrue(written(channel).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assertEquals(List.of(Refusal.HEADERS_TOO_LARGE), refused);
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void aChunkedBodyIsCutAtTheLimitAsItArrives() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel channel = channel(memory);
        channel.writeInbound(ascii("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + "x".repeat(64) + "\r\n"));
        assertNull(channel.readOutbound(), "64 bytes are within the limit");
        assertEquals(64, memory.used());
        channel.writeInbound(ascii("40\r\n" + "x".repeat(64) + "\r\n"));
        assertTrue(written(channel).startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"));
        assertEquals(0, memory.used(), "the refused body's bytes are given back");
        assertEquals(List.of(Refusal.BODY_TOO_LARGE), refused);
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBody() {
        EmbeddedChannel channel = channel(new RequestMemory(1 << 20));
        channel.writeInbound(ascii("POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n"));
        assertTrue(written(channel).startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"));
        assertEquals(List.of(Refusal.BODY_TOO_LARGE), refused);
        assertFalse(channel.finish());
    }

    @Test
    void aBodyPastThePortsMemoryGets503ButBodilessRequestsPass() {
        RequestMemory memory = new RequestMemory(50);
        assertTrue(memory.tryReserve(50)); // another connection's body holds it all
        EmbeddedChannel health = channel(memory);
        health.writeInbound(ascii("GET /health HTTP/1.1\r\n\r\n"));
        assertTrue(written(health).startsWith("HTTP/1.1 200 OK\r\n"));
        assertFalse(health.finish());
        EmbeddedChannel send = channel(memory);
        send.writeInbound(ascii("POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"));
        assertTrue(written(send).startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
        assertEquals(List.of(Refusal.BUSY), refused, "the bodiless request is not counted");
        assertFalse(send.finish());
    }

    @Test
    void keepAliveRequestsWithinTheLimitsAreServedAndGiveTheirMemoryBack() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel channel = channel(memory);
        for (int i = 0; i < 3; i++) {
            channel.writeInbound(ascii("POST /x%20y HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"));
            assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", written(channel));
            assertEquals(0, memory.used());
        }
        assertTrue(channel.isOpen());
        assertEquals(List.of(), refused);
        assertFalse(channel.finish());
    }

    @Test
    void aRequestLineOverTheDecoderLimitGets414AndIsCounted() {
        EmbeddedChannel channel = channel(new RequestMemory(1 << 20));
        channel.writeInbound(ascii("GET /health?" + "q".repeat(5000) + " HTTP/1.1\r\n\r\n"));
        assertTrue(written(channel).startsWith("HTTP/1.1 414 Request-URI Too Long\r\n"));
        assertEquals(List.of(Refusal.URI_TOO_LONG), refused);
        assertFalse(channel.finish());
    }

    @Test
    void aChunkLineOverTheDecoderLimitGets400NamingTheChunkLineNot414() {
        EmbeddedChannel channel = channel(new RequestMemory(1 << 20));
        channel.writeInbound(ascii("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;ext="
                + "e".repeat(100 * 1024) + "\r\nx\r\n0\r\n\r\n"));
        String body = "{\"error\":\"bad_request\",\"message\":\"A chunk-size line of the chunked body is too long;"
                + " send the chunks without chunk extensions.\"}";
        assertEquals("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=UTF-8\r\n"
                + "content-length: " + body.length() + "\r\nconnection: close\r\n\r\n" + body, written(channel));
        assertEquals(List.of(Refusal.BAD_REQUEST), refused);
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void aBodyInMorePiecesThanTheBoundGets400() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel channel = channel(memory, 64 * 1024);
        String head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        channel.writeInbound(ascii(head + "1\r\nx\r\n".repeat(4096) + "0\r\n\r\n"));
        assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", written(channel), "at the bound");
        channel.writeInbound(ascii(head + "1\r\nx\r\n".repeat(4097) + "0\r\n\r\n"));
        String body = "{\"error\":\"bad_request\",\"message\":\"The request body came in more than 4096 pieces"
                + " (chunks, or reads of a few bytes); send it in larger chunks, or with Content-Length.\"}";
        assertEquals("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=UTF-8\r\n"
                + "content-length: " + body.length() + "\r\nconnection: close\r\n\r\n" + body, written(channel));
        assertEquals(0, memory.used(), "the refused body's bytes are given back");
        assertEquals(List.of(Refusal.BAD_REQUEST), refused);
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void aContentLengthBodyInTooManyReadsIsNotToldToUseContentLength() {
        RequestMemory memory = new RequestMemory(1 << 20);
        EmbeddedChannel channel = channel(memory, 64 * 1024);
        channel.writeInbound(ascii("POST /x HTTP/1.1\r\nContent-Length: 5000\r\n\r\n"));
        for (int i = 0; i < 4097; i++) { // a client that writes a byte at a time, each read on its own
            channel.writeInbound(ascii("x"));
        }
        String answer = written(channel);
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request"), answer);
        assertTrue(answer.contains("more than 4096 pieces (chunks, or reads of a few bytes);"
                + " write it to the connection in larger pieces.\"}"), answer);
        assertEquals(0, memory.used(), "the refused body's bytes are given back");
        assertEquals(List.of(Refusal.BAD_REQUEST), refused);
        assertFalse(channel.isOpen());
    }

    @Test
    void aLargerBodyLimitAllowsProportionallyMorePieces() {
        // A 6 MiB body (max-message-bytes raised to 1 MiB) may arrive in segment-sized reads on a
        // slow link: ~96 bytes a piece, not a fixed 4096 pieces, or such a body could never pass.
        int sixMiB = 6 * 1024 * 1024 + 1024;
        assertEquals(sixMiB / 96, RequestBody.maxPieces(sixMiB));
        // Sent through the guard at 768 KiB, twice the floor's pieces: the 6 MiB body's 65,546 pieces
        // took 46 s of a loaded machine under paranoid leak detection, for the same rule.
        int maxBody = 768 * 1024;
        int bound = RequestBody.maxPieces(maxBody);
        assertEquals(maxBody / 96, bound);
        EmbeddedChannel channel = channel(new RequestMemory(64 << 20), maxBody);
        String head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        channel.writeInbound(ascii(head + "1\r\nx\r\n".repeat(bound) + "0\r\n\r\n"));
        assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", written(channel), "at the bound");
        channel.writeInbound(ascii(head + "1\r\nx\r\n".repeat(bound + 1) + "0\r\n\r\n"));
        assertTrue(written(channel).contains("more than " + bound + " pieces"));
        assertEquals(List.of(Refusal.BAD_REQUEST), refused);
        assertEquals(4096, RequestBody.maxPieces(64 * 1024), "small bodies keep the floor");
    }

    /** What the guard counted for ws.http.refused, in order. */
    private final List<Refusal> refused = new ArrayList<>();

    private EmbeddedChannel channel(RequestMemory memory) {
        return channel(memory, MAX_BODY);
    }

    private EmbeddedChannel channel(RequestMemory memory, int maxBody) {
        ConnectionGuards guards = new ConnectionGuards("test", LIMITS, maxBody, memory, new ClientErrorLog(),
                refused::add);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("http-codec", new HttpServerCodec());
        channel.pipeline().addLast(new HttpObjectAggregator(maxBody));
        channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                DefaultFullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                        HttpResponseStatus.OK, Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                ctx.writeAndFlush(response);
            }
        });
        guards.addGuard(channel.pipeline(), "http-codec", "byte-watcher", "request-guard");
        return channel;
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }
}

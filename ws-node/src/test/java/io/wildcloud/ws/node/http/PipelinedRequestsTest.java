package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.wildcloud.ws.node.config.ConnectionLimits;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PipelinedRequests} between a real HTTP codec, guard and aggregator and a handler that
 * answers {@code /hold} and {@code /stream} when told (a held poll, a stream) and the rest at once.
 */
class PipelinedRequestsTest {

    private static final ConnectionLimits LIMITS =
            NodeConfig.from(Settings.load(new String[0], Map.of())).connectionLimits();

    /** What the guard counted for ws.http.refused, in order. */
    private final List<Refusal> refused = new ArrayList<>();
    /** The URIs the application was handed, in order. */
    private final List<String> served = new ArrayList<>();
    private ChannelHandlerContext held;

    @Test
    void aRequestBehindAHeldOneIsServedAfterItsAnswerAndReadingStopsMeanwhile() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii(get("/hold") + get("/info")));
        assertEquals(List.of("/hold"), served, "/info waits for the held request's answer");
        assertEquals("", written(channel));
        assertFalse(channel.config().isAutoRead(), "a request waits: the connection reads no further");

        answerHeld("h");
        channel.runPendingTasks();
        assertEquals(List.of("/hold", "/info"), served);
        assertEquals(ok("h") + ok("/info"), written(channel), "answers in the order of the requests");
        assertTrue(channel.config().isAutoRead(), "nothing waits: reading goes on");
        assertEquals(List.of(), refused);
        assertFalse(channel.finish());
    }

    @Test
    void aRequestBehindAStreamWaitsForItsLastChunkInsteadOfBreakingTheEncoder() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii(get("/stream") + get("/info")));
        held.writeAndFlush(new DefaultHttpContent(ascii("frame\n")));
        channel.runPendingTasks();
        assertEquals(List.of("/stream"), served);

        held.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.runPendingTasks();
        assertEquals(List.of("/stream", "/info"), served);
        assertEquals("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\nframe\n\r\n0\r\n\r\n" + ok("/info"),
                written(channel));
        assertTrue(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void moreRequestsThanMayWaitEndTheConnectionWithOneRefusal() {
        EmbeddedChannel channel = channel();
        StringBuilder requests = new StringBuilder(get("/hold"));
        for (int i = 0; i < PipelinedRequests.MAX_WAITING; i++) {
            requests.append(get("/wait" + i));
        }
        channel.writeInbound(ascii(requests + get("/over") + get("/after").repeat(200)));
        channel.runPendingTasks();
        assertEquals(List.of("/hold"), served, "none of the waiting ones is served");
        assertFalse(channel.isOpen(), "no answer can go before the held one: the connection ends");
        assertEquals(List.of(Refusal.BAD_REQUEST), refused, "one refusal, not one per request (nor a decoder failure past Netty's 128)");
        assertFalse(channel.finish());
    }

    @Test
    void aWaitingRequestsContinueIsSentOnlyInItsTurn() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii(get("/hold")
                + "POST /send HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
        assertEquals("", written(channel), "no 100 Continue into the held answer");
        answerHeld("h");
        channel.runPendingTasks();
        assertEquals(ok("h") + "HTTP/1.1 100 Continue\r\n\r\n", written(channel));
        assertTrue(channel.config().isAutoRead(), "the body is read now");
        channel.writeInbound(ascii("hello"));
        assertEquals(List.of("/hold", "/send"), served);
        assertEquals(ok("/send"), written(channel));
        assertFalse(channel.finish());
    }

    @Test
    void nothingIsServedBehindAnAnswerThatClosesTheConnection() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii("GET /close HTTP/1.1\r\nConnection: close\r\n\r\n" + get("/info")));
        channel.runPendingTasks();
        assertEquals(List.of("/close"), served);
        assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\n/close", written(channel));
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
    }

    @Test
    void aCodecFailureIsOneRefusalAndA400NotAnExceptionDownThePipeline() {
        EmbeddedChannel channel = channel();
        channel.pipeline().fireExceptionCaught(new DecoderException(new IllegalStateException("maxPipelineDepth exceeded: 128")));
        channel.checkException(); // an exception that reached the end of the pipeline would be thrown here
        assertTrue(written(channel).startsWith("HTTP/1.1 400 Bad Request\r\n"));
        assertEquals(List.of(Refusal.BAD_REQUEST), refused);
        assertFalse(channel.isOpen());
        assertFalse(channel.finish());
        assertEquals("DecoderException: bad name ??X-Forged: " + "x".repeat(99) + "...", GuardRefusal.codecFailure(
                new DecoderException(new IllegalArgumentException("bad name \r\nX-Forged: " + "x".repeat(200)))).logged(),
                "one line in the log, bounded");
    }

    @Test
    void aWaitingRequestsBodyIsNotTimedWhileTheConnectionDoesNotRead() throws Exception {
        EmbeddedChannel channel = channel(NodeConfig.from(Settings.load(
                new String[] {"--body-progress-interval=1s"}, Map.of())).connectionLimits());
        channel.writeInbound(ascii(get("/hold") + "POST /send HTTP/1.1\r\nContent-Length: 5\r\n\r\nhe"));
        Thread.sleep(1_500); // past body-progress-interval, with 2 of the body's 5 bytes in
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "the waiting body was timed while the node did not read it");
        assertEquals(List.of(), refused);
        answerHeld("h");
        channel.runPendingTasks();
        channel.writeInbound(ascii("llo"));
        assertEquals(List.of("/hold", "/send"), served);
        assertEquals(ok("h") + ok("/send"), written(channel));
        assertFalse(channel.finish());
    }

    private EmbeddedChannel channel() {
        return channel(LIMITS);
    }

    private EmbeddedChannel channel(ConnectionLimits limits) {
        ConnectionGuards guards = new ConnectionGuards("test", limits, 1024, new RequestMemory(1 << 20),
                new ClientErrorLog(), refused::add);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("http-codec", new HttpServerCodec());
        channel.pipeline().addLast(new HttpObjectAggregator(1024));
        channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                served.add(request.uri());
                if (request.uri().equals("/hold")) {
                    held = ctx;
                } else if (request.uri().equals("/stream")) {
                    held = ctx;
                    DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(head, true);
                    ctx.writeAndFlush(head);
                } else {
                    DefaultFullHttpResponse response = response(request.uri());
                    if (!HttpUtil.isKeepAlive(request)) {
                        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                        ctx.writeAndFlush(response).addListener(f -> ctx.close());
                    } else {
                        ctx.writeAndFlush(response);
                    }
                }
            }
        });
        guards.addGuard(channel.pipeline(), "http-codec", "byte-watcher", "request-guard");
        guards.addInOrderServing(channel.pipeline(), "request-guard", "request-guard", "pipelined-requests");
        return channel;
    }

    private void answerHeld(String body) {
        held.writeAndFlush(response(body));
    }

    private static DefaultFullHttpResponse response(String body) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length());
        return response;
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\ncontent-length: " + body.length() + "\r\n\r\n" + body;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: n\r\n\r\n";
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

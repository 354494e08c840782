package io.wildcloud.ws.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MetricsHandler} in front of a handler that answers {@code /hold} when told (as the API
 * answers a publish once its store has) and the rest at once: the answers keep the requests' order.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsHandlerTest {

    private final NodeMetrics metrics = new NodeMetrics("order");
    private final List<String> served = new ArrayList<>();
    private ChannelHandlerContext held;

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void aScrapeBehindAnAnswerInProgressIsAnsweredAfterItAndBeforeTheRequestBehindIt() throws Exception {
        EmbeddedChannel channel = channel();
        channel.writeInbound(get("/hold"), get("/metrics"), get("/after"));
        channel.runPendingTasks();
        assertEquals(List.of("/hold"), served, "/after waits behind the scrape");
        assertNull(channel.readOutbound(), "the scrape's answer waits for the held one's");
        assertFalse(channel.config().isAutoRead(), "requests wait: the connection reads no further");
        assertEquals(0, metrics.renders(), "the scrape renders only in its turn, counting what came before it");

        held.writeAndFlush(response("held"));
        List<String> answers = answers(channel, 3);
        assertEquals("held", answers.get(0));
        assertTrue(answers.get(1).startsWith("text/plain"), "the scrape second: " + answers);
        assertEquals("/after", answers.get(2));
        assertEquals(List.of("/hold", "/after"), served);
        assertTrue(channel.config().isAutoRead(), "nothing waits: reading goes on");
        assertEquals(1, metrics.renders());
        assertFalse(channel.finish());
    }

    @Test
    void scrapesPipelinedBehindARequestShareOneRenderAndARequestBehindThemWaits() throws Exception {
        EmbeddedChannel channel = channel();
        channel.writeInbound(get("/hold"), get("/metrics"), get("/metrics"), get("/after"));
        held.writeAndFlush(response("held"));
        List<String> answers = answers(channel, 4);
        assertEquals("held", answers.get(0));
        assertTrue(answers.get(1).startsWith("text/plain") && answers.get(2).startsWith("text/plain"), answers.toString());
        assertEquals("/after", answers.get(3));
        assertEquals(1, metrics.renders(), "both arrived before the render began: it answers both");
        assertTrue(channel.config().isAutoRead());

        channel.writeInbound(get("/metrics"));
        assertTrue(answers(channel, 1).get(0).startsWith("text/plain"));
        assertEquals(2, metrics.renders(), "a scrape that arrives after a render began takes the next");
        assertFalse(channel.finish());
    }

    @Test
    void anotherMethodIs405InItsTurn() throws Exception {
        EmbeddedChannel channel = channel();
        FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/metrics");
        channel.writeInbound(get("/hold"), post, get("/after"));
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
        held.writeAndFlush(response("held"));
        List<String> answers = answers(channel, 3);
        assertEquals("held", answers.get(0));
        assertTrue(answers.get(1).startsWith("405 "), answers.toString());
        assertEquals("/after", answers.get(2));
        assertEquals(0, metrics.renders());
        assertFalse(channel.finish());
    }

    @Test
    void whatWaitsIsReleasedAtTheClose() {
        EmbeddedChannel channel = channel();
        FullHttpRequest scrape = get("/metrics");
        FullHttpRequest after = get("/after");
        channel.writeInbound(get("/hold"), scrape, after);
        channel.close();
        assertEquals(0, scrape.refCnt());
        assertEquals(0, after.refCnt());
    }

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new MetricsHandler(metrics), new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                served.add(request.uri());
                if (request.uri().equals("/hold")) {
                    held = ctx;
                } else {
                    ctx.writeAndFlush(response(request.uri()));
                }
            }
        });
    }

    /** The next {@code count} answers: a text/plain one as its content type, a 405 as its status, others as their body. */
    private static List<String> answers(EmbeddedChannel channel, int count) throws InterruptedException {
        List<String> answers = new ArrayList<>();
        while (answers.size() < count) {
            channel.runPendingTasks();
            FullHttpResponse response = channel.readOutbound();
            if (response == null) {
                Thread.sleep(5); // the render thread's answer comes through the channel's task queue
                continue;
            }
            String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            answers.add(response.status().code() == 405 ? "405 " + response.headers().get(HttpHeaderNames.ALLOW)
                    : type.startsWith("text/plain") ? type : response.content().toString(StandardCharsets.UTF_8));
            response.release();
        }
        return answers;
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    private static FullHttpResponse response(String body) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }
}

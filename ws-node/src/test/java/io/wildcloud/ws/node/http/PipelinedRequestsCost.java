package io.wildcloud.ws.node.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * What {@link PipelinedRequests} costs a request served alone (every browser request): requests
 * and their answers through a pipeline with and without it, in alternating rounds, nanoseconds per
 * request printed (round 0 is the JIT's warm-up). Not a test; run with
 * {@code java -cp ws-node/target/test-classes:ws-node/target/ws-node-*-all.jar io.wildcloud.ws.node.http.PipelinedRequestsCost}.
 */
public final class PipelinedRequestsCost {

    private static final int REQUESTS = 5_000_000;

    public static void main(String[] args) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/s/000/a/xhr");
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/javascript; charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        for (int round = 0; round <= 6; round++) { // round 0 warms both up
            for (boolean inOrder : new boolean[] {false, true}) {
                EmbeddedChannel channel = channel(inOrder, answer);
                long start = System.nanoTime();
                for (int i = 0; i < REQUESTS; i++) {
                    channel.pipeline().fireChannelRead(request);
                    channel.pipeline().fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                long nanos = System.nanoTime() - start;
                System.out.printf("round %d %-22s %6.1f ns per request%n", round,
                        inOrder ? "with pipelined-requests" : "without", (double) nanos / REQUESTS);
                channel.finishAndReleaseAll();
            }
        }
    }

    /** A handler that passes every message on, as most of the pipeline does for a given message. */
    private static final class PassOn extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, promise);
        }
    }

    private static EmbeddedChannel channel(boolean inOrder, FullHttpResponse answer) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("sink", new ChannelDuplexHandler() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg); // the wire: dropped
            }
        });
        // The node's pipeline has about ten handlers: its call sites see many handler classes, as here.
        channel.pipeline().addLast(new PassOn(), new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ctx.write(msg, promise);
            }
        }, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.fireChannelRead(msg);
            }
        });
        if (inOrder) {
            channel.pipeline().addLast("pipelined-requests", new PipelinedRequests(null));
        }
        channel.pipeline().addLast(new PassOn());
        channel.pipeline().addLast("app", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    ctx.write(answer, ctx.voidPromise()); // the answer, once the request is whole
                }
            }
        });
        return channel;
    }
}

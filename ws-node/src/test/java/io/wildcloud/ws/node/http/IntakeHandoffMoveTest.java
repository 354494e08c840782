package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A connection closed while it moves from the intake loop to a worker (seen in the soak when the
 * start-up warm-up cut its sockets at its time limit): the close takes the handler out and releases
 * what it held, so the failed move has nothing left to release and must end quietly, not throw
 * from the move's listener.
 */
class IntakeHandoffMoveTest {

    @Test
    void aConnectionClosedMidMoveEndsWithoutAnExceptionFromTheMove() throws Exception {
        Logger promiseLog = (Logger) LoggerFactory.getLogger("io.netty.util.concurrent.DefaultPromise");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        promiseLog.addAppender(warnings);
        EventLoopGroup intake = new DefaultEventLoopGroup(1);
        EventLoopGroup workers = new DefaultEventLoopGroup(1);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        try {
            LocalAddress address = new LocalAddress("intake-handoff-move");
            Channel server = new ServerBootstrap().group(intake).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel channel) {
                            accepted.complete(channel);
                            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    // The request starts the move; the connection closes before it is done.
                                    ctx.fireChannelRead(msg);
                                    ctx.channel().close();
                                }
                            }, new IntakeHandoff(workers));
                        }
                    }).bind(address).sync().channel();
            Channel client = new Bootstrap().group(intake).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            client.writeAndFlush(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/app/000/s/xhr_streaming")).sync();
            Channel moved = accepted.get(5, TimeUnit.SECONDS);
            assertTrue(moved.closeFuture().await(5, TimeUnit.SECONDS), "the connection was not closed");
            // The move's listeners run in tasks queued on the loops before these.
            intake.next().submit(() -> { }).sync();
            workers.next().submit(() -> { }).sync();
            intake.next().submit(() -> { }).sync();
            List<String> thrown = warnings.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : ": " + e.getThrowableProxy().getMessage())).toList();
            assertEquals(List.of(), thrown, "a listener of the move threw");
            client.close().sync();
            server.close().sync();
        } finally {
            promiseLog.detachAppender(warnings);
            intake.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
    /**
     * A handler behind the hand-off that stops reading for a message handed on after the move
     * (PipelinedRequests, for a request pipelined behind the first) keeps it stopped: the hand-off
     * turns reading back on before it hands on what it held, not after.
     */
    @Test
    void aHandlerBehindThatStopsReadingForAHeldMessageKeepsItStopped() throws Exception {
        EventLoopGroup intake = new DefaultEventLoopGroup(1);
        EventLoopGroup workers = new DefaultEventLoopGroup(1);
        CompletableFuture<Boolean> readingAfterTheMove = new CompletableFuture<>();
        try {
            LocalAddress address = new LocalAddress("intake-handoff-reading");
            Channel server = new ServerBootstrap().group(intake).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel channel) {
                            channel.pipeline().addLast(new IntakeHandoff(workers), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.channel().config().setAutoRead(false); // a request waits here
                                }

                                @Override
                                public void channelReadComplete(ChannelHandlerContext ctx) {
                                    // After the move's hand-on, in the same task.
                                    ctx.executor().execute(() -> readingAfterTheMove.complete(ctx.channel().config().isAutoRead()));
                                }
                            });
                        }
                    }).bind(address).sync().channel();
            Channel client = new Bootstrap().group(intake).channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            client.writeAndFlush(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/app/info")).sync();
            assertEquals(false, readingAfterTheMove.get(5, TimeUnit.SECONDS), "the hand-off turned reading back on");
            client.close().sync();
            server.close().sync();
        } finally {
            intake.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

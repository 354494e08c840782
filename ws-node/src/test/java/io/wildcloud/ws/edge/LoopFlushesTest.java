package io.wildcloud.ws.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopFlushesTest {

    private EventLoopGroup loops;
    private Channel server;
    private Channel client;
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void connect() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        LocalAddress address = new LocalAddress(LoopFlushesTest.class);
        server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf bytes = (ByteBuf) msg;
                        received.add(bytes.toString(StandardCharsets.UTF_8));
                        bytes.release();
                    }
                }).bind(address).sync().channel();
        client = new Bootstrap().group(loops).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
    }

    @AfterEach
    void close() throws Exception {
        client.close().sync();
        server.close().sync();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void onItsLoopAFlushWaitsForTheEndOfTheIterationThenGoesOut() throws Exception {
        ChannelHandlerContext ctx = client.pipeline().firstContext();
        CompletableFuture<Long> pendingWithinTheIteration = new CompletableFuture<>();
        client.eventLoop().execute(() -> {
            ctx.write(Unpooled.copiedBuffer("first", StandardCharsets.UTF_8));
            LoopFlushes.flushSoon(ctx);
            ctx.write(Unpooled.copiedBuffer("second", StandardCharsets.UTF_8));
            LoopFlushes.flushSoon(ctx);
            pendingWithinTheIteration.complete(client.unsafe().outboundBuffer().totalPendingWriteBytes());
        });

        // Both writes still wait in the channel's buffer (their bytes plus Netty's per-entry overhead).
        assertTrue(pendingWithinTheIteration.get(5, TimeUnit.SECONDS) >= "firstsecond".length());
        // Nothing else flushes this channel: only the end-of-iteration flush can send these.
        StringBuilder got = new StringBuilder();
        while (got.length() < "firstsecond".length()) {
            String part = received.poll(5, TimeUnit.SECONDS);
            assertTrue(part != null, "deferred flush never went out; got only: " + got);
            got.append(part);
        }
        assertEquals("firstsecond", got.toString());
    }

    @Test
    void flushesOfLaterIterationsGoOutToo() throws Exception {
        ChannelHandlerContext ctx = client.pipeline().firstContext();
        for (int i = 0; i < 3; i++) {
            String text = "round" + i;
            client.eventLoop().execute(() -> {
                ctx.write(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
                LoopFlushes.flushSoon(ctx);
            });
            assertEquals(text, received.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void offAnEventLoopWithoutIterationsItFlushesAtOnce() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        ctx.write(Unpooled.copiedBuffer("now", StandardCharsets.UTF_8));
        LoopFlushes.flushSoon(ctx);

        ByteBuf out = channel.readOutbound();
        assertEquals("now", out.toString(StandardCharsets.UTF_8));
        out.release();
        channel.finishAndReleaseAll();
    }
}

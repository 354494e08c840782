package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.testing.Waits;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real socket whose client does not read: the server writes small frames (as pongs and
 * heartbeats are) and the connection is cut off once the unwritten bytes pass the bound; a client
 * that reads is never cut off, however much it gets.
 */
class WriteBacklogLimitTest {

    private static final int BOUND = 256 * 1024;
    private static final int FRAME = 127; // a pong with the largest ping payload

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger cutOff = new AtomicInteger();
    /** Bytes the server has answered (each with its frames written), for a client that sends one at a time. */
    private final AtomicInteger bytesAnswered = new AtomicInteger();
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    private Channel server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Each byte the client sends makes the server write {@code framesPerByte} small frames, flushed one by one. */
    private int start(int framesPerByte) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WriteBacklogLimit(BOUND, WriteMemory.unlimited(reason -> {
                                    assertEquals(WriteMemory.CutOff.MAX_WRITE_BACKLOG, reason);
                                    cutOff.incrementAndGet();
                                })),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        int bytes = ((ByteBuf) msg).readableBytes();
                                        ReferenceCountUtil.release(msg);
                                        for (int i = 0; i < bytes * framesPerByte && ctx.channel().isActive(); i++) {
                                            ByteBuf frame = ctx.alloc().directBuffer(FRAME).writeZero(FRAME);
                                            ctx.writeAndFlush(frame, ctx.voidPromise());
                                        }
                                        bytesAnswered.addAndGet(bytes);
                                    }
                                });
                        accepted.complete(ch);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static Socket connect(int port) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return socket;
    }

    @Test
    void aPeerThatDoesNotReadIsCutOffOnceTheBacklogPassesTheBound() throws Exception {
        int port = start(100);
        try (Socket client = connect(port)) {
            OutputStream out = client.getOutputStream();
            Channel channel = accepted.get(5, java.util.concurrent.TimeUnit.SECONDS);
            // Asks for 100 frames at a time, never reading, until the server gives up on it:
            // at most (kernel buffers + 256 KiB) / 127 bytes of frames, bounded here at 40 MB.
            // One byte at a time, the next once the server has answered it: each answer is then one
            // task of 100 frames (as a burst of pongs is), with the limit's check after it. A server
            // that lags (a loaded machine) would otherwise read hundreds of bytes at once and write
            // tens of MB in one task, and the cut-off would come long after this loop ends.
            for (int i = 0; i < 3_000 && channel.isActive(); i++) {
                out.write(1);
                out.flush();
                int sent = i + 1;
                Waits.await(() -> bytesAnswered.get() >= sent || !channel.isActive(), "an answer to byte " + sent,
                        Duration.ofSeconds(10));
            }
            Waits.await(() -> !channel.isActive(), "the connection is cut off", Duration.ofSeconds(5));
            assertEquals(1, cutOff.get());
        }
    }

    @Test
    void aPeerThatReadsIsNeverCutOff() throws Exception {
        int port = start(1000);
        try (Socket client = connect(port)) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            Channel channel = accepted.get(5, java.util.concurrent.TimeUnit.SECONDS);
            long expected = 0;
            long read = 0;
            byte[] sink = new byte[64 * 1024];
            for (int i = 0; i < 100; i++) {
                out.write(1); // 1000 frames, 127 KB: half the bound in one task, read as it comes
                out.flush();
                expected += 1000L * FRAME;
                while (read < expected) {
                    int n = in.read(sink);
                    assertTrue(n > 0, "the server closed after " + read + " bytes");
                    read += n;
                }
            }
            assertTrue(channel.isActive());
            assertEquals(0, cutOff.get());
        }
    }
}

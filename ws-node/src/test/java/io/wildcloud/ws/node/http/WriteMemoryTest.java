package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.node.http.WriteMemory.CutOff;
import io.wildcloud.ws.testing.Waits;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real sockets whose clients do not read, each under its own {@code max-write-backlog} but together
 * over the port's {@link WriteMemory}: the largest backlog is cut off, whoever wrote last, the
 * others and a reader that keeps up stay, and steps are given back as a backlog drains.
 */
class WriteMemoryTest {

    private static final int MAX_BACKLOG = 4 * 1024 * 1024;
    private static final int BUDGET = 2 * 1024 * 1024;
    private static final int FRAME = 16 * 1024; // written for each byte a client sends
    private static final long KIB = 1024;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<CutOff, AtomicInteger> cutOffs = new ConcurrentHashMap<>();
    private final WriteMemory memory = new WriteMemory(BUDGET,
            reason -> cutOffs.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet());
    private final AtomicInteger framesWritten = new AtomicInteger();
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private final Map<Channel, Socket> clients = new ConcurrentHashMap<>();
    private Channel server;
    private int port;

    @AfterEach
    void stop() throws Exception {
        for (Socket client : clients.values()) {
            client.close();
        }
        // Closed on their loops before those stop: the frames still waiting in them are released
        // then (paranoid leak detection blamed them when the loops' shutdown dropped the channels).
        for (Channel channel : clients.keySet()) {
            channel.close().syncUninterruptibly();
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void start() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // Small kernel buffers: what the peer does not read waits in the node, where it is counted.
                .childOption(ChannelOption.SO_SNDBUF, 4096)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WriteBacklogLimit(MAX_BACKLOG, memory),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        int bytes = ((ByteBuf) msg).readableBytes();
                                        ReferenceCountUtil.release(msg);
                                        for (int i = 0; i < bytes && ctx.channel().isActive(); i++) {
                                            ByteBuf frame = ctx.alloc().directBuffer(FRAME).writeZero(FRAME);
                                            ctx.writeAndFlush(frame, ctx.voidPromise());
                                        }
                                        framesWritten.addAndGet(bytes);
                                    }
                                });
                        accepted.add(ch);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A client that reads nothing, and the server's side of its connection. */
    private Channel connect() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        Channel channel = accepted.poll(5, TimeUnit.SECONDS);
        assertTrue(channel != null, "accepted");
        clients.put(channel, socket);
        return channel;
    }

    /** Asks for {@code bytes} of frames in one request (one task of the server), and waits until they are written. */
    private void ask(Channel channel, long bytes) throws Exception {
        int frames = (int) (bytes / FRAME);
        int expected = framesWritten.get() + frames;
        clients.get(channel).getOutputStream().write(new byte[frames]);
        Waits.await(() -> framesWritten.get() >= expected, "the server wrote " + frames + " frames", Duration.ofSeconds(10));
    }

    private int cutOffs(CutOff reason) {
        AtomicInteger count = cutOffs.get(reason);
        return count == null ? 0 : count.get();
    }

    @Test
    void theLargestBacklogIsCutOffNotTheWriterThatPassesTheBudget() throws Exception {
        start();
        Channel large = connect();
        Channel writer = connect();
        ask(large, 1600 * KIB);
        assertTrue(memory.reserved() > 1024 * KIB, "the large backlog is counted: " + memory.reserved());
        ask(writer, 800 * KIB); // together past 2 MiB
        Waits.await(() -> !large.isActive(), "the largest backlog is cut off", Duration.ofSeconds(5));
        assertTrue(writer.isActive(), "the writer's smaller backlog stays");
        assertEquals(1, cutOffs(CutOff.MAX_WRITE_MEMORY));
        assertEquals(0, cutOffs(CutOff.MAX_WRITE_BACKLOG));
        Waits.await(() -> memory.reserved() == writer.pipeline().get(WriteBacklogLimit.class).reserved(),
                "the cut-off connection's reservation is given back", Duration.ofSeconds(5));
    }

    @Test
    void aWriterWithTheLargestBacklogIsCutOffItselfAndAReaderKeepsBeingServed() throws Exception {
        start();
        Channel first = connect();
        Channel second = connect();
        Channel writer = connect();
        ask(first, 800 * KIB);
        ask(second, 800 * KIB);
        ask(writer, 1600 * KIB);
        Waits.await(() -> !writer.isActive(), "the writer, the largest, is cut off", Duration.ofSeconds(5));
        assertTrue(first.isActive() && second.isActive(), "the smaller backlogs stay");
        Channel reader = connect();
        InputStream in = clients.get(reader).getInputStream();
        byte[] sink = new byte[64 * 1024];
        for (int i = 0; i < 16; i++) { // 8 MiB, twice the max-write-backlog, four times the budget
            int frames = 32;
            clients.get(reader).getOutputStream().write(new byte[frames]);
            long read = 0;
            while (read < (long) frames * FRAME) {
                int n = in.read(sink);
                assertTrue(n > 0, "the reader was cut off");
                read += n;
            }
        }
        assertTrue(reader.isActive() && first.isActive() && second.isActive());
        assertEquals(1, cutOffs(CutOff.MAX_WRITE_MEMORY));
    }

    @Test
    void aBacklogGivesItsStepsBackAsItDrains() throws Exception {
        start();
        Channel channel = connect();
        ask(channel, 1600 * KIB);
        assertTrue(memory.reserved() > 1024 * KIB, "counted: " + memory.reserved());
        InputStream in = clients.get(channel).getInputStream();
        byte[] sink = new byte[64 * 1024];
        long read = 0;
        while (read < 1600 * KIB) {
            int n = in.read(sink);
            assertTrue(n > 0, "cut off after " + read);
            read += n;
        }
        Waits.await(() -> memory.reserved() == 0, "the reservation is given back", Duration.ofSeconds(5));
        assertFalse(cutOffs.containsKey(CutOff.MAX_WRITE_MEMORY));
        assertTrue(channel.isActive());
    }
}

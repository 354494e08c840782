package io.wildcloud.ws.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.wildcloud.ws.loadgen.ClientLoops;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of {@link WriteFloorBenchmark}, all on one event loop: {@code sessions} websockets
 * that count the bytes they receive (every frame has the same length, so bytes say frames without
 * decoding them), and the control connection that asks for batches, at most {@code window} not yet
 * delivered at a time (as the load generator keeps 10 batch requests of 100 in flight).
 */
final class WriteFloorClient {

    private final int frameLength;
    private final int batch;
    private final int window;
    private final List<Counting> websockets = new ArrayList<>();
    private Channel control;
    private EventLoop loop;
    // Loop-confined but for the two the benchmark's thread reads.
    private volatile long deliveredMessages;
    private long deliveredBytes;
    private long requestedBatches;
    private long batchesGoal;

    WriteFloorClient(int frameLength, int batch, int window) {
        this.frameLength = frameLength;
        this.batch = batch;
        this.window = window;
    }

    /** Opens the websockets, then the control connection; returns once every handshake is answered. */
    void open(ClientLoops loops, String host, int port, int sessions) throws InterruptedException {
        for (int i = 0; i < sessions; i++) {
            Counting websocket = new Counting();
            websockets.add(websocket);
            Channel channel = loops.bootstrap().handler(websocket).connect(host, port).sync().channel();
            channel.writeAndFlush(upgrade(host, port, "/websocket"));
            websocket.switched.await();
        }
        Counting controlHandler = new Counting();
        control = loops.bootstrap().handler(controlHandler).connect(host, port).sync().channel();
        control.writeAndFlush(upgrade(host, port, "/control"));
        controlHandler.switched.await();
        loop = control.eventLoop();
    }

    /** Asks for {@code batches} more batches, keeping the window; see {@link #delivered()}. */
    void request(long batches) {
        loop.execute(() -> {
            batchesGoal += batches;
            topUp();
        });
    }

    long delivered() {
        return deliveredMessages;
    }

    /** Frames each websocket received, by its order of opening; -1 where a part of a frame came. */
    long[] framesPerSession() {
        long[] frames = new long[websockets.size()];
        for (int i = 0; i < frames.length; i++) {
            long bytes = websockets.get(i).bytes;
            frames[i] = bytes % frameLength == 0 ? bytes / frameLength : -1;
        }
        return frames;
    }

    void close() {
        websockets.forEach(websocket -> websocket.channel.close());
        control.close();
    }

    private void topUp() {
        long completed = deliveredMessages / batch;
        int more = (int) Math.min(batchesGoal - requestedBatches, window - (requestedBatches - completed));
        if (more > 0) {
            requestedBatches += more;
            control.writeAndFlush(control.alloc().buffer(more).writeZero(more));
        }
    }

    private static ByteBuf upgrade(String host, int port, String path) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\n\r\n";
        return Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII);
    }

    /** Skips the 101 answer, then counts what arrives. */
    private final class Counting extends ChannelInboundHandlerAdapter {
        final CountDownLatch switched = new CountDownLatch(1);
        Channel channel;
        long bytes;
        private final StringBuilder head = new StringBuilder();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (switched.getCount() > 0) {
                    int end = ByteBufUtil.indexOf(in, in.readerIndex(), in.writerIndex(), (byte) '\n');
                    while (end >= 0 && switched.getCount() > 0) {
                        head.append(in.readCharSequence(end + 1 - in.readerIndex(), StandardCharsets.US_ASCII));
                        if (!head.toString().startsWith("HTTP/1.1 101 ")) {
                            throw new IllegalStateException("the server refused the upgrade: " + head);
                        }
                        if (head.toString().endsWith("\r\n\r\n")) {
                            switched.countDown();
                        }
                        end = ByteBufUtil.indexOf(in, in.readerIndex(), in.writerIndex(), (byte) '\n');
                    }
                    if (switched.getCount() > 0) {
                        head.append(in.readCharSequence(in.readableBytes(), StandardCharsets.US_ASCII));
                        return;
                    }
                }
                int received = in.readableBytes();
                if (received > 0) {
                    bytes += received;
                    deliveredBytes += received;
                    deliveredMessages = deliveredBytes / frameLength;
                    if (control != null) {
                        topUp();
                    }
                }
            } finally {
                in.release();
            }
        }
    }
}

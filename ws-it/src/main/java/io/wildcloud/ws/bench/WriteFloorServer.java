package io.wildcloud.ws.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The cheapest server {@link WriteFloorBenchmark} can think of for issue 17's batches: no SockJS, no
 * store, no HTTP publish. It accepts websockets ({@code GET /websocket}, handshake by hand, then
 * nothing left in the pipeline but a sink for what the client sends) and one control connection
 * ({@code GET /control}, then raw bytes), all on one event loop: epoll as the node's, or
 * {@code --transport=io_uring} (Netty's, where the kernel allows it: a loop's sends go to the kernel
 * in one submission instead of a system call each). Each byte read on the
 * control connection asks for one batch: {@code --batch} (100) pre-encoded websocket text frames
 * carrying {@code a["<--message-bytes characters>"]}, written round robin over the websockets,
 * {@code --per-flush} (1) frames to a connection before the next, every connection of the batch
 * flushed once after all its writes (as the node's end-of-iteration flushes do).
 *
 * <p>{@code --frames=shared} writes one frame's bytes again and again (a retained duplicate: no
 * copy, no allocation of data); {@code fresh} allocates and fills a buffer per frame, as the node
 * does. {@code GET /health} answers 200 once it listens.
 */
public final class WriteFloorServer {

    private static final byte[] WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);

    private final List<Channel> websockets = new ArrayList<>(); // the loop's own: one loop, no lock
    private final ByteBuf sharedFrame;
    private final byte[] frameBytes;
    private final boolean fresh;
    private final int batch;
    private final int perFlush;
    private final Channel[] batchTargets;
    private long nextSlot;

    private WriteFloorServer(Map<String, String> flags) {
        int messageBytes = Integer.parseInt(flags.getOrDefault("message-bytes", "64"));
        this.frameBytes = frame(messageBytes);
        this.sharedFrame = Unpooled.unreleasableBuffer(Unpooled.directBuffer(frameBytes.length).writeBytes(frameBytes));
        this.fresh = switch (flags.getOrDefault("frames", "shared")) {
            case "shared" -> false;
            case "fresh" -> true;
            default -> throw new IllegalArgumentException("--frames takes shared or fresh, not " + flags.get("frames"));
        };
        this.batch = Integer.parseInt(flags.getOrDefault("batch", "100"));
        this.perFlush = Integer.parseInt(flags.getOrDefault("per-flush", "1"));
        if (batch < 1 || perFlush < 1 || batch % perFlush != 0) {
            throw new IllegalArgumentException("--batch and --per-flush must be positive, the batch a multiple of"
                    + " --per-flush: " + batch + ", " + perFlush);
        }
        this.batchTargets = new Channel[batch / perFlush];
    }

    /**
     * The bytes of one websocket text frame from server to client (unmasked) carrying the SockJS
     * frame {@code a["xx...x"]} with a message of {@code messageBytes} ASCII characters.
     */
    static byte[] frame(int messageBytes) {
        if (messageBytes < 1 || messageBytes > 120) {
            throw new IllegalArgumentException("--message-bytes must be 1 to 120 (one-byte frame length), not " + messageBytes);
        }
        String payload = "a[\"" + "x".repeat(messageBytes) + "\"]";
        byte[] frame = new byte[2 + payload.length()];
        frame[0] = (byte) 0x81; // FIN, text
        frame[1] = (byte) payload.length();
        System.arraycopy(payload.getBytes(StandardCharsets.US_ASCII), 0, frame, 2, payload.length());
        return frame;
    }

    public static void main(String[] args) throws Exception {
        // As the node does: Netty's default leak sampling costs a few percent per message.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        Map<String, String> flags = BenchServers.flags(args);
        WriteFloorServer server = new WriteFloorServer(flags);
        int port = Integer.parseInt(flags.getOrDefault("port", "0"));
        IoHandlerFactory handlers;
        Class<? extends ServerChannel> channelClass;
        switch (flags.getOrDefault("transport", "epoll")) {
            case "epoll" -> {
                Epoll.ensureAvailability();
                handlers = EpollIoHandler.newFactory();
                channelClass = EpollServerSocketChannel.class;
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                handlers = IoUringIoHandler.newFactory();
                channelClass = IoUringServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("--transport takes epoll or io_uring, not " + flags.get("transport"));
        }
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, handlers);
        Channel listening = new ServerBootstrap().group(loop).channel(channelClass)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                server.new Upgrades());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        System.out.println("write floor server on " + listening.localAddress());
        listening.closeFuture().sync(); // until the benchmark stops the process
    }

    /** Routes the three requests; a websocket or the control connection leaves HTTP behind. */
    private final class Upgrades extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
            switch (request.uri()) {
                case "/health" -> ctx.writeAndFlush(response(HttpResponseStatus.OK)).addListener(ChannelFutureListener.CLOSE);
                case "/websocket" -> {
                    String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
                    if (key == null) {
                        ctx.writeAndFlush(response(HttpResponseStatus.BAD_REQUEST)).addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    FullHttpResponse switching = response(HttpResponseStatus.SWITCHING_PROTOCOLS);
                    switching.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                            .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept(key));
                    switchTo(ctx, switching, new Sink());
                    websockets.add(ctx.channel());
                }
                case "/control" -> {
                    FullHttpResponse switching = response(HttpResponseStatus.SWITCHING_PROTOCOLS);
                    switching.headers().set(HttpHeaderNames.UPGRADE, "write-floor-control")
                            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
                    switchTo(ctx, switching, new Control());
                }
                default -> ctx.writeAndFlush(response(HttpResponseStatus.NOT_FOUND)).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void switchTo(ChannelHandlerContext ctx, FullHttpResponse switching, ChannelInboundHandlerAdapter next) {
            ctx.writeAndFlush(switching);
            // The answer went through the codec already (this is the loop): nothing of HTTP stays.
            ctx.pipeline().addLast(next);
            ctx.pipeline().remove(HttpObjectAggregator.class);
            ctx.pipeline().remove(HttpServerCodec.class);
            ctx.pipeline().remove(this);
        }

        private static FullHttpResponse response(HttpResponseStatus status) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return response;
        }

        private static String accept(String key) throws NoSuchAlgorithmException {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(key.trim().getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1.digest(WEBSOCKET_GUID));
        }
    }

    /** What a websocket's client sends (nothing, after the handshake) is dropped. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** One batch per byte read. */
    private final class Control extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf requests = (ByteBuf) msg;
            int batches = requests.readableBytes();
            requests.release();
            for (int i = 0; i < batches; i++) {
                writeBatch();
            }
        }
    }

    private void writeBatch() {
        int connections = websockets.size();
        if (connections == 0) {
            return;
        }
        for (int t = 0; t < batchTargets.length; t++) {
            Channel target = websockets.get((int) (nextSlot++ % connections));
            batchTargets[t] = target;
            for (int i = 0; i < perFlush; i++) {
                ByteBuf frame = fresh
                        ? target.alloc().directBuffer(frameBytes.length).writeBytes(frameBytes)
                        : sharedFrame.retainedDuplicate();
                target.write(frame, target.voidPromise());
            }
        }
        for (Channel target : batchTargets) {
            target.flush();
        }
    }
}

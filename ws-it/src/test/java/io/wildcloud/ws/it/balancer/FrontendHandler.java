package io.wildcloud.ws.it.balancer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The client side of one balancer connection. Takes whole requests, sends each over a fresh
 * connection to the next backend in turn, one at a time (later requests on the same connection
 * wait their turn, as HTTP/1.1 demands), and gets the response relayed back by
 * {@link ResponseRelay}. After a websocket upgrade it only copies bytes to the backend.
 *
 * <p>Client and backend channels share one event loop, so no state here is touched concurrently.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    static final String DECODER = "request-decoder";
    static final String AGGREGATOR = "request-aggregator";
    static final String NAME = "frontend";
    private static final byte[] BAD_GATEWAY = ("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 20\r\nConnection: close\r\n\r\nno backend answered\n").getBytes(StandardCharsets.US_ASCII);

    private final RoundRobinBalancer balancer;
    private final Deque<FullHttpRequest> waiting = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** The backend connection of the request in flight, or null between requests. */
    private Channel backend;
    private boolean upgraded;

    FrontendHandler(RoundRobinBalancer balancer) {
        this.balancer = balancer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            // Raw websocket bytes; ownership passes to the backend write.
            if (backend != null && backend.isActive()) {
                backend.writeAndFlush(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (msg instanceof FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                request.release();
                ctx.close();
                return;
            }
            waiting.add(request);
            if (backend == null) {
                dispatchNext();
            }
            return;
        }
        // Bytes that arrived before an upgrade completed belong to nothing we understand.
        ReferenceCountUtil.release(msg);
    }

    private void dispatchNext() {
        FullHttpRequest request = waiting.poll();
        if (request != null) {
            connect(request, balancer.nextBackendIndex(), balancer.backendCount());
        }
    }

    /** Connects to backend {@code index}; on refusal tries the next one, {@code attemptsLeft} times in all. */
    private void connect(FullHttpRequest request, int index, int attemptsLeft) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        ResponseRelay relay = new ResponseRelay(this, head);
        Bootstrap bootstrap = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ResponseRelay.ENCODER, new HttpRequestEncoder()).addLast(relay);
                    }
                });
        ChannelFuture connecting = bootstrap.connect(balancer.backend(index));
        backend = connecting.channel();
        connecting.addListener((ChannelFutureListener) connected -> {
            if (!ctx.channel().isActive()) {
                request.release();
                connected.channel().close();
                return;
            }
            if (connected.isSuccess()) {
                balancer.countRequest(index);
                relay.expectKeepAlive(keepAlive);
                connected.channel().writeAndFlush(request);
            } else if (attemptsLeft > 1) {
                connect(request, (index + 1) % balancer.backendCount(), attemptsLeft - 1);
            } else {
                request.release();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(BAD_GATEWAY)).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    /** Response bytes from the backend, in order; ownership passes to the client write. */
    void relay(ByteBuf bytes) {
        ctx.write(bytes);
    }

    void flush() {
        ctx.flush();
    }

    /** The backend answered 101: from now on both directions are raw bytes. */
    void switchToRawPipe() {
        upgraded = true;
        ctx.pipeline().remove(AGGREGATOR);
        // Removing the decoder hands any bytes it still holds to this handler, as raw bytes.
        ctx.pipeline().remove(DECODER);
    }

    /** The response is complete; the next request may go to the next backend, or the client is done. */
    void responseComplete(boolean keepAlive) {
        Channel finished = backend;
        backend = null;
        if (finished != null) {
            finished.close();
        }
        if (keepAlive) {
            ctx.flush();
            dispatchNext();
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The backend went away before its response was complete (or it ended an upgraded pipe). */
    void backendLost() {
        backend = null;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    boolean isCurrent(Channel channel) {
        return channel == backend;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The client went away: so does the request in flight, which the node must see as an abort.
        if (backend != null) {
            backend.close();
            backend = null;
        }
        for (FullHttpRequest request; (request = waiting.poll()) != null; ) {
            request.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

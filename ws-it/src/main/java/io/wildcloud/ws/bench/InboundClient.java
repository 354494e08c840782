package io.wildcloud.ws.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.loadgen.ClientLoops;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * One raw websocket client of the inbound benchmark: sends {@code 1, 2, 3...} as messages, at most
 * {@code window} of them not yet seen at the callback, and checks that the callback sees them in
 * that order.
 */
final class InboundClient {

    private final String clientId;
    private final int window;
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private Channel channel;
    // Guarded by this: sends come from the callback sink's threads, one per answered message.
    private long target;
    private long sent;
    private long expected = 1;
    private long delivered;
    private long outOfOrder;
    private long repeated;

    InboundClient(String clientId, int window) {
        this.clientId = clientId;
        this.window = window;
    }

    String clientId() {
        return clientId;
    }

    /** Connects to {@code ws://.../<socket>/websocket}; completes once the handshake is done. */
    CompletableFuture<Void> open(ClientLoops loops, URI url) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(url).version(WebSocketVersion.V13).build();
        ChannelFuture connecting = loops.bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                        new WebSocketClientProtocolHandler(config), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                    opened.complete(null);
                                }
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg); // a raw websocket gets nothing here
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                opened.completeExceptionally(new IllegalStateException(clientId + ": websocket closed"));
                            }
                        });
            }
        }).connect(url.getHost(), url.getPort());
        channel = connecting.channel();
        connecting.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                opened.completeExceptionally(done.cause());
            }
        });
        return opened;
    }

    /** Sends {@code more} messages after those sent so far, {@code window} at a time. */
    synchronized void send(long more) {
        target += more;
        fill();
    }

    /** The callback got {@code message} of this client. */
    synchronized void delivered(String message) {
        long seq = Long.parseLong(message);
        if (seq == expected) {
            expected++;
        } else if (seq < expected) {
            repeated++;
        } else {
            outOfOrder++;
            expected = seq + 1;
        }
        delivered++;
        fill();
    }

    private void fill() {
        boolean wrote = false;
        while (sent < target && sent - delivered < window) {
            channel.write(new TextWebSocketFrame(Long.toString(++sent)));
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    synchronized long deliveredCount() {
        return delivered;
    }

    synchronized long outOfOrder() {
        return outOfOrder;
    }

    synchronized long repeated() {
        return repeated;
    }

    void close() {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "done")).addListener(written -> channel.close());
        }
    }
}

package io.wildcloud.ws.loadgen;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * SockJS over a websocket (Netty, on the load generator's few event loops): each text message is one
 * frame. Or, {@code plain}, a websocket without SockJS whose every text frame is one message (Nchan).
 */
final class WebSocketSessionClient extends SessionClient {

    private static final int MAX_FRAME_BYTES = 1 << 20;

    private final ClientLoops loops;
    private final boolean plain;
    private volatile Channel channel;

    WebSocketSessionClient(ClientLoops loops, URI endpoint, Consumer<String> sink) {
        super(sessionUrlUnder(endpoint), sink);
        this.loops = loops;
        this.plain = false;
    }

    /** A plain websocket to exactly {@code url}. */
    WebSocketSessionClient(ClientLoops loops, URI url, Consumer<String> sink, boolean plain) {
        super(url, sink);
        this.loops = loops;
        this.plain = plain;
    }

    @Override
    public CompletableFuture<Void> open() {
        URI url = URI.create(sessionUrl.toString().replaceFirst("^http", "ws") + (plain ? "" : "/websocket"));
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(url)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                // The text is decoded for the tracker anyway; a second pass over every byte is load generator CPU.
                .withUTF8Validator(false)
                .build();
        int port = url.getPort() > 0 ? url.getPort() : 80;
        ChannelFuture connecting = loops.bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                        new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_FRAME_BYTES),
                        new FrameHandler());
            }
        }).connect(url.getHost(), port);
        channel = connecting.channel();
        connecting.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                failed(done.cause());
            }
        });
        return opened;
    }

    @Override
    public void stop() {
        stopping = true;
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "done"))
                    .addListener(written -> ch.close());
        }
    }

    private final class FrameHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            if (plain) {
                deliver(frame.text());
            } else if (!onFrame(frame.text())) {
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            // A plain websocket has no open frame: it is open once the handshake is done.
            if (plain && event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                opened.complete(null);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failed(new IllegalStateException("websocket closed"));
        }
    }
}

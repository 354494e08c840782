package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a websocket's pipeline: hands its {@link WebSocketReceiver} the client's text
 * messages (whole: the aggregator before it joins fragments) and the end of the opening handshake.
 * Pings, pongs and the close handshake never get here: Netty's protocol handler answers them.
 */
final class WebSocketFrames extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WebSocketFrames.class);

    private final io.wildcloud.ws.sockjs.SockJsMetrics metrics;
    /** Used once, then dropped: it holds the upgrade request (headers and all) for the handshake. */
    private Function<ChannelHandlerContext, WebSocketReceiver> receiverFactory;
    private WebSocketReceiver receiver;

    /** {@code receiverFactory} makes the receiver on this handler's context, which it writes to. */
    WebSocketFrames(io.wildcloud.ws.sockjs.SockJsMetrics metrics,
            Function<ChannelHandlerContext, WebSocketReceiver> receiverFactory) {
        this.metrics = metrics;
        this.receiverFactory = receiverFactory;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        receiver = receiverFactory.apply(ctx);
        receiverFactory = null;
    }

    WebSocketReceiver receiver() {
        return receiver;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                receiver.received(text.text(), text.content().readableBytes());
            }
            // Binary frames carry nothing for SockJS.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            receiver.handshakeComplete();
        } else if (evt instanceof io.netty.handler.codec.http.websocketx.WebSocketCloseStatus refusal) {
            // The connection's guard closed it (1013: the port's request memory is spent).
            metrics.webSocketRefused(refusal.code());
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} session {}: websocket failed: {}", ctx.channel(), receiver.sessionKey(), cause.toString());
        if (cause instanceof TooLongFrameException) {
            // The aggregator's verdict on a fragmented message over max-message-bytes.
            metrics.webSocketRefused(io.netty.handler.codec.http.websocketx.WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
            receiver.messageTooBig();
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // A corrupted frame (1002, 1007, 1009 for one frame) was answered by the decoder or the
            // UTF-8 validator, which write the close frame and then close.
            if (corrupted.closeStatus() != null) {
                metrics.webSocketRefused(corrupted.closeStatus().code());
            }
        } else {
            ctx.close();
        }
    }
}

package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The server's half of the websocket close handshake (RFC 6455 5.5.1), which Netty's protocol
 * handler (after this one) leaves out: once a close frame of ours is written, the client's answering
 * close ends the connection (Netty would echo it), and a client that never answers is cut off after
 * a grace period. Closing at once would race the client's handling of the handshake answer when a
 * session closes as soon as it opens. A close the client starts passes on to Netty, which answers it.
 */
final class CloseHandshake extends ChannelDuplexHandler {

    /** How long a close we sent waits for the client's answering close before the TCP close. */
    static final long CLOSE_GRACE_MILLIS = 2000;

    private boolean closeSent;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof CloseWebSocketFrame) || closeSent) {
            ctx.write(msg, promise);
            return;
        }
        closeSent = true;
        ctx.write(msg, promise.unvoid()).addListener(future -> {
            if (future.isSuccess()) {
                ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closeSent && msg instanceof CloseWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            ctx.close(); // the client answered our close: the close handshake is complete
            return;
        }
        ctx.fireChannelRead(msg);
    }
}

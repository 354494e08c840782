package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;

/**
 * {@code /<prefix>/websocket}: a plain websocket for programs that are not sockjs-client. Each
 * text message is one SockJS message, both ways; no open frame, no heartbeats, and the session's
 * close becomes the websocket's close code and reason.
 */
final class RawWebSocketReceiver extends WebSocketReceiver {

    RawWebSocketReceiver(ChannelHandlerContext ctx, SockJsRuntime runtime, SockJsEndpoint endpoint, SessionKey key,
            WebSocketUpgrade.Answer answer) {
        super(ctx, runtime, endpoint, key, answer);
    }

    @Override
    void writeOpen() {
        // Nothing on the wire: the handshake was the opening.
    }

    @Override
    public void heartbeat() {
        // Never scheduled: a raw websocket has no heartbeats.
    }

    @Override
    void write(List<QueuedMessage> messages) {
        for (QueuedMessage message : messages) {
            ctx.write(text(message.message()), ctx.voidPromise());
        }
    }

    @Override
    void writeClose(SockJsFrame closeFrame) {
        int code = closeFrame.closeCode();
        sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.isValidStatusCode(code)
                ? code : WebSocketCloseStatus.NORMAL_CLOSURE.code(), closeFrame.closeReason()));
    }

    @Override
    void writeGoingAway() {
        sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(),
                CloseCodes.GOING_AWAY_REASON));
    }

    @Override
    void readMessage(String text, int bytes) {
        deliver(List.of(text), bytes);
    }
}

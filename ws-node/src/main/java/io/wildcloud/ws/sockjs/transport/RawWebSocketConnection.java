package io.wildcloud.ws.sockjs.transport;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
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
final class RawWebSocketConnection extends WebSocketConnection {

    RawWebSocketConnection(SockJsRuntime runtime, SockJsEndpoint endpoint, SessionKey key) {
        super(runtime, endpoint, key);
    }

    @Override
    void opened() {
        // Nothing on the wire: the handshake was the opening.
    }

    @Override
    void write(List<QueuedMessage> messages) {
        for (QueuedMessage message : messages) {
            ctx.write(text(message.message()), ctx.voidPromise());
        }
    }

    @Override
    void closing(SockJsFrame closeFrame) {
        int code = closeFrame.closeCode();
        CloseWebSocketFrame close = WebSocketCloseStatus.isValidStatusCode(code)
                ? new CloseWebSocketFrame(code, closeFrame.closeReason())
                : new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), closeFrame.closeReason());
        sendClose(close);
    }

    @Override
    void goingAway() {
        sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(),
                io.wildcloud.ws.common.sockjs.CloseCodes.GOING_AWAY_REASON));
    }

    @Override
    void received(String text) {
        deliver(List.of(text));
    }
}

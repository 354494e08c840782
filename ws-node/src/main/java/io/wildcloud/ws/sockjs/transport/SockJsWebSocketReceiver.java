package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.SockJsJson;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;

/**
 * {@code /<server>/<session>/websocket}: SockJS frames as websocket text messages, heartbeats
 * included. The client sends JSON arrays of messages; an empty message or {@code []} is nothing,
 * and broken JSON ends the connection at once.
 */
final class SockJsWebSocketReceiver extends WebSocketReceiver {

    SockJsWebSocketReceiver(ChannelHandlerContext ctx, SockJsRuntime runtime, SockJsEndpoint endpoint,
            SessionKey key, WebSocketUpgrade.Answer answer) {
        super(ctx, runtime, endpoint, key, answer);
    }

    @Override
    void writeOpen() {
        ctx.writeAndFlush(text(SockJsFrame.open().text()), ctx.voidPromise());
        scheduleHeartbeat();
    }

    @Override
    public void heartbeat() {
        if (!closeSent()) {
            ctx.writeAndFlush(text(SockJsFrame.heartbeat().text()), ctx.voidPromise());
            scheduleHeartbeat();
        }
    }

    @Override
    void write(List<QueuedMessage> messages) {
        ctx.write(ServerTextFrame.encodeMessages(ctx.alloc(), messages), ctx.voidPromise());
    }

    @Override
    void writeClose(SockJsFrame closeFrame) {
        ctx.write(text(closeFrame.text()), ctx.voidPromise());
        // The SockJS close code travels in the frame above; SockJS codes such as 2010 are not valid
        // websocket close codes, so the websocket itself closes normally.
        sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), ""));
    }

    @Override
    void writeGoingAway() {
        ctx.write(text(SockJsFrame.close(CloseCodes.GOING_AWAY, CloseCodes.GOING_AWAY_REASON).text()),
                ctx.voidPromise());
        sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(),
                CloseCodes.GOING_AWAY_REASON));
    }

    @Override
    void readMessage(String text, int bytes) {
        if (text.isEmpty()) {
            return;
        }
        List<String> messages;
        try {
            messages = SockJsJson.decodeMessages(text);
        } catch (SockJsJson.BrokenJsonException e) {
            ctx.close();
            return;
        }
        // An empty array too: its bytes were read and parsed (200 frames of 60,000 spaces in [] were
        // 12 MB the byte budget never saw).
        deliver(messages, bytes);
    }
}

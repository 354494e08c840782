package io.wildcloud.ws.sockjs.transport;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.SockJsJson;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code /<server>/<session>/websocket}: SockJS frames as websocket text messages, heartbeats
 * included. The client sends JSON arrays of messages; an empty message or {@code []} is nothing,
 * and broken JSON ends the connection at once.
 */
final class SockJsWebSocketConnection extends WebSocketConnection {

    private ScheduledFuture<?> heartbeat;

    SockJsWebSocketConnection(SockJsRuntime runtime, SockJsEndpoint endpoint, SessionKey key) {
        super(runtime, endpoint, key);
    }

    @Override
    void opened() {
        ctx.writeAndFlush(text(SockJsFrame.open().text()), ctx.voidPromise());
        long nanos = endpoint.options().heartbeatInterval().toNanos();
        heartbeat = ctx.executor().scheduleAtFixedRate(() -> {
            if (isOpen()) {
                ctx.writeAndFlush(text(SockJsFrame.heartbeat().text()), ctx.voidPromise());
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> heartbeat.cancel(false));
    }

    @Override
    void write(List<QueuedMessage> messages) {
        ctx.write(text(Frames.messagesText(messages)), ctx.voidPromise());
    }

    @Override
    void closing(SockJsFrame closeFrame) {
        ctx.write(text(closeFrame.text()), ctx.voidPromise());
        // The SockJS close code travels in the frame above; SockJS codes such as 2010 are not valid
        // websocket close codes, so the websocket itself closes normally.
        sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), ""));
    }

    @Override
    void goingAway() {
        ctx.write(text(SockJsFrame.close(CloseCodes.GOING_AWAY, CloseCodes.GOING_AWAY_REASON).text()),
                ctx.voidPromise());
        sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(),
                CloseCodes.GOING_AWAY_REASON));
    }

    @Override
    void received(String text) {
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
        if (!messages.isEmpty()) {
            deliver(messages);
        }
    }
}

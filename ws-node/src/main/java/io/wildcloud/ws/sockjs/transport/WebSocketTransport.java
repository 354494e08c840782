package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.concurrent.ThreadLocalRandom;

/** The two websocket entry points: SockJS-framed per session, and raw per prefix. */
public final class WebSocketTransport implements HttpTransport {

    private final SockJsRuntime runtime;

    public WebSocketTransport(SockJsRuntime runtime) {
        this.runtime = runtime;
    }

    /** Whether {@code request} is an upgrade this transport takes as far as the claim ({@link WebSocketUpgrade#isUpgradeRequest}). */
    public static boolean isUpgradeRequest(SockJsRequest request) {
        return WebSocketUpgrade.isUpgradeRequest(request);
    }

    /** {@code /<server>/<session>/websocket}. */
    @Override
    public void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key) {
        upgrade(ctx, request, endpoint, (wsCtx, handshake) ->
                new SockJsWebSocketReceiver(wsCtx, runtime, endpoint, key, handshake));
    }

    /** {@code /<prefix>/websocket}: the server names the session, which no other request can reach. */
    public void handleRaw(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint) {
        SessionKey key = new SessionKey(endpoint.scope(),
                "raw~" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        upgrade(ctx, request, endpoint, (wsCtx, handshake) ->
                new RawWebSocketReceiver(wsCtx, runtime, endpoint, key, handshake));
    }

    private void upgrade(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint,
            WebSocketUpgrade.ReceiverFactory factory) {
        WebSocketUpgrade.upgrade(ctx, request, endpoint.options().maxMessageBytes(),
                runtime.policy().maxControlFramesPerSecond(), runtime.metrics(), factory);
    }
}

package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.wildcloud.ws.sockjs.http.HttpResponses;
import io.wildcloud.ws.sockjs.http.SockJsRequest;

/**
 * Turns an HTTP request into a websocket: checks it as the protocol wants (405 for a method other
 * than GET, 400 for a missing upgrade), runs Netty's RFC 6455 handshake and puts the connection's
 * handler where the SockJS router was.
 */
final class WebSocketUpgrade {

    /** The pipeline name of a websocket connection's handler. */
    static final String HANDLER_NAME = "sockjs-websocket";
    static final String AGGREGATOR_NAME = "sockjs-websocket-aggregator";

    private WebSocketUpgrade() {
    }

    /**
     * Hands the connection to {@code connection}, which answers the upgrade once its session is
     * open; or answers with the protocol's error and returns.
     */
    static void upgrade(ChannelHandlerContext ctx, SockJsRequest request, int maxMessageBytes,
            WebSocketConnection connection) {
        if (!HttpMethod.GET.equals(request.method())) {
            HttpResponses.sendMethodNotAllowed(ctx, request, "GET");
            return;
        }
        String upgrade = request.header(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            HttpResponses.sendText(ctx, request, HttpResponseStatus.BAD_REQUEST, "Can \"Upgrade\" only to \"WebSocket\".");
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)) {
            // A proxy that rewrote Connection would break the websocket anyway.
            HttpResponses.sendText(ctx, request, HttpResponseStatus.BAD_REQUEST, "\"Connection\" must be \"Upgrade\".");
            return;
        }
        if (request.header(HttpHeaderNames.SEC_WEBSOCKET_VERSION) == null) {
            // No version: a hixie-76 handshake, which no browser has spoken since 2012 (see the report).
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        FullHttpRequest handshakeRequest = request.toHandshakeRequest();
        String host = request.header(HttpHeaderNames.HOST);
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + (host == null ? "localhost" : host) + request.uri(), null, true, maxMessageBytes)
                .newHandshaker(handshakeRequest);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        // The connection handler takes the router's place before the handshake answer goes out, so
        // that no frame the client sends right after it reaches the router.
        ctx.pipeline().addBefore(ctx.name(), AGGREGATOR_NAME, new WebSocketFrameAggregator(maxMessageBytes));
        ctx.pipeline().replace(ctx.name(), HANDLER_NAME, connection);
        connection.start(() -> handshaker.handshake(ctx.channel(), handshakeRequest));
    }
}

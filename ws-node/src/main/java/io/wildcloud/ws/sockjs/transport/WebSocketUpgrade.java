package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
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
    static final String UTF8_VALIDATOR_NAME = "sockjs-websocket-utf8";

    private WebSocketUpgrade() {
    }

    /**
     * How frames are decoded: no extension is ever negotiated, so a frame with an RSV bit set is a
     * protocol error (1002); one frame over the message limit is 1009. On either the decoder
     * writes the close frame itself and closes the connection.
     */
    static WebSocketDecoderConfig decoderConfig(int maxMessageBytes) {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessageBytes)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
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
                "ws://" + (host == null ? "localhost" : host) + request.uri(), null, decoderConfig(maxMessageBytes))
                .newHandshaker(handshakeRequest);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        // The connection handler takes the router's place before the handshake answer goes out, so
        // that no frame the client sends right after it reaches the router.
        // Text is checked frame by frame, fragments included, before aggregation: invalid UTF-8
        // closes with 1007 (the validator writes the close), never a message of replacement characters.
        ctx.pipeline().addBefore(ctx.name(), UTF8_VALIDATOR_NAME, new Utf8FrameValidator(true));
        // A fragmented message over the limit fails here; the connection closes it with 1009.
        ctx.pipeline().addBefore(ctx.name(), AGGREGATOR_NAME, new WebSocketFrameAggregator(maxMessageBytes));
        ctx.pipeline().replace(ctx.name(), HANDLER_NAME, connection);
        connection.start(() -> handshaker.handshake(ctx.channel(), handshakeRequest));
    }
}

package io.wildcloud.ws.sockjs.transport;


import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import io.wildcloud.ws.sockjs.http.SockJsRequest;

/**
 * Turns an HTTP request into a websocket: checks it as the protocol wants (405 for a method other
 * than GET, 400 for a missing upgrade), puts the websocket's handlers where the SockJS router was,
 * and starts its receiver, which has Netty's handshake handler answer the upgrade once the session
 * is admitted. From the socket on (after Netty's handshake has put its frame decoder and encoder
 * in place of the HTTP codec):
 *
 * <pre>
 * wsdecoder -> ... -> sockjs-websocket-control-frames  ControlFrameBudget: ping/pong rate (1008)
 *   -> sockjs-websocket-close                         CloseHandshake: our close waits for the client's, or the grace
 *   -> sockjs-websocket-utf8                          Utf8FrameValidator: 1007, fragments included
 *   -> (Netty's handshake handler, until the 101)
 *   -> sockjs-websocket-protocol                      WebSocketServerProtocolHandler: pongs, the client's close,
 *                                                     nothing written after a close
 *   -> sockjs-websocket-aggregator                    WebSocketFrameAggregator: a fragmented message over the limit
 *   -> sockjs-websocket                               WebSocketFrames: whole text messages to the receiver
 * </pre>
 */
final class WebSocketUpgrade {

    /** Makes a websocket's receiver on its handler's context; the {@link Answer} answers the upgrade. */
    interface ReceiverFactory {
        WebSocketReceiver create(ChannelHandlerContext ctx, Answer answer);
    }

    /** The two answers to an upgrade request; the receiver gives exactly one, once its claim is answered. */
    interface Answer {
        /** Has Netty's handshake handler answer 101. */
        void accept();

        /**
         * 404, and the connection closed (its pipeline is a websocket's now): the claim found the
         * endpoint gone, as a look-up before the upgrade would have.
         */
        void notFound();
    }

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
     * Netty's protocol handler for one upgrade: its handshake handler answers exactly this
     * request's path; it answers the client's close and pings; it never writes a close frame of
     * its own when the connection closes (the receiver's {@link CloseHandshake} does that).
     */
    static WebSocketServerProtocolConfig protocolConfig(String uri, int maxMessageBytes) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(uri)
                .checkStartsWith(false)
                .handleCloseFrames(true)
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .decoderConfig(decoderConfig(maxMessageBytes))
                .build();
    }

    /**
     * Whether {@link #upgrade} would take {@code request} as far as the claim (a GET asking for a
     * websocket, with a version): only such a request is resolved without a look-up, so that a gone
     * endpoint's malformed upgrade is still 404, not the 400 or 405 a live one gets.
     */
    static boolean isUpgradeRequest(SockJsRequest request) {
        String upgrade = request.header(HttpHeaderNames.UPGRADE);
        return HttpMethod.GET.equals(request.method()) && upgrade != null && upgrade.equalsIgnoreCase("websocket")
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)
                && request.header(HttpHeaderNames.SEC_WEBSOCKET_VERSION) != null;
    }

    /**
     * Hands the connection to the receiver {@code factory} makes, which has the upgrade answered
     * once its session is open; or answers with the protocol's error and returns.
     */
    static void upgrade(ChannelHandlerContext ctx, SockJsRequest request, int maxMessageBytes,
            int maxControlFramesPerSecond, io.wildcloud.ws.sockjs.SockJsMetrics metrics, ReceiverFactory factory) {
        if (!HttpMethod.GET.equals(request.method())) {
            SockJsResponses.sendMethodNotAllowed(ctx, request, "GET");
            return;
        }
        String upgrade = request.header(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.BAD_REQUEST, "Can \"Upgrade\" only to \"WebSocket\".");
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)) {
            // A proxy that rewrote Connection would break the websocket anyway.
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.BAD_REQUEST, "\"Connection\" must be \"Upgrade\".");
            return;
        }
        FullHttpRequest handshakeRequest = request.toHandshakeRequest();
        if (request.header(HttpHeaderNames.SEC_WEBSOCKET_VERSION) == null
                || new WebSocketServerHandshakerFactory(request.uri(), null, decoderConfig(maxMessageBytes))
                        .newHandshaker(handshakeRequest) == null) {
            // No version: a hixie-76 handshake, which no browser has spoken since 2012 (see the report).
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        // The websocket's handlers take the router's place before the handshake answer goes out, so
        // that no frame the client sends right after it reaches the router. Netty's protocol handler
        // puts its handshake handler before itself.
        ChannelPipeline pipeline = ctx.pipeline();
        String router = ctx.name();
        pipeline.addBefore(router, PipelineNames.WS_CONTROL_FRAMES, new ControlFrameBudget(maxControlFramesPerSecond, maxMessageBytes, metrics));
        pipeline.addBefore(router, PipelineNames.WS_CLOSE_HANDSHAKE, new CloseHandshake());
        // Text is checked frame by frame, fragments included, before aggregation: invalid UTF-8
        // closes with 1007 (the validator writes the close), never a message of replacement characters.
        pipeline.addBefore(router, PipelineNames.WS_UTF8_VALIDATOR, new Utf8FrameValidator(true));
        pipeline.addBefore(router, PipelineNames.WS_PROTOCOL,
                new WebSocketServerProtocolHandler(protocolConfig(request.uri(), maxMessageBytes)));
        // A fragmented message over the limit fails here; the receiver closes it with 1009.
        pipeline.addBefore(router, PipelineNames.WS_AGGREGATOR, new WebSocketFrameAggregator(maxMessageBytes));
        // The upgrade request goes in after the budget, which drops any HTTP pipelined behind it.
        ChannelHandlerContext controlFrames = pipeline.context(PipelineNames.WS_CONTROL_FRAMES);
        WebSocketFrames frames = new WebSocketFrames(metrics, frameCtx -> factory.create(frameCtx, new Answer() {
            @Override
            public void accept() {
                controlFrames.fireChannelRead(handshakeRequest);
            }

            @Override
            public void notFound() {
                request.notFound();
                FullHttpResponse response = SockJsResponses.full(frameCtx, request, HttpResponseStatus.NOT_FOUND,
                        SockJsResponses.TEXT_PLAIN, "");
                HttpUtil.setContentLength(response, 0);
                HttpUtil.setKeepAlive(response, false);
                frameCtx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }));
        pipeline.replace(router, PipelineNames.WEBSOCKET, frames);
        // The HTTP pages have nothing to serve on a websocket: their handlers go, a context less
        // each per idle connection (the connection guard and drain handler leave at the 101).
        for (String page : new String[] {PipelineNames.HEALTH, PipelineNames.CLIENT_SCRIPT}) {
            if (pipeline.get(page) != null) {
                pipeline.remove(page);
            }
        }
        frames.receiver().startNew();
    }
}

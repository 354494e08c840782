package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import java.util.List;

/**
 * {@code POST /<server>/<session>/jsonp_send}: messages from a form post ({@code d=<json>}) or a
 * raw JSON body. Answered 200 {@code ok}, because Konqueror mishandles 204.
 */
public final class JsonpSendTransport extends MessageSender {

    public JsonpSendTransport(SockJsRuntime runtime) {
        super(runtime, TransportType.JSONP_SEND);
    }

    @Override
    String payload(SockJsRequest request) {
        String contentType = request.contentType();
        if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            try {
                List<String> d = new QueryStringDecoder(request.body(), false).parameters().get("d");
                return d == null || d.isEmpty() ? null : d.get(0);
            } catch (IllegalArgumentException badEscape) {
                return null;
            }
        }
        return request.body();
    }

    @Override
    FullHttpResponse accepted(ChannelHandlerContext ctx, SockJsRequest request) {
        return SockJsResponses.full(ctx, request, HttpResponseStatus.OK, null, "ok");
    }
}

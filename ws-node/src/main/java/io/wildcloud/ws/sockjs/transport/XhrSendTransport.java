package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.http.SockJsResponses;

/**
 * {@code POST /<server>/<session>/xhr_send}: the body is a JSON array of messages, whatever its
 * content type says. Answered 204, with a text content type all the same: Firefox takes a 204
 * without one for broken XML.
 */
public final class XhrSendTransport extends MessageSender {

    public XhrSendTransport(SockJsRuntime runtime) {
        super(runtime, TransportType.XHR_SEND);
    }

    @Override
    String payload(SockJsRequest request) {
        return request.body();
    }

    @Override
    FullHttpResponse accepted(ChannelHandlerContext ctx, SockJsRequest request) {
        return SockJsResponses.full(ctx, request, HttpResponseStatus.NO_CONTENT, null, "");
    }
}

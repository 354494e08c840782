package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;

/** {@code POST /<server>/<session>/xhr}: one frame per response, followed by a newline. */
public final class XhrPollingTransport implements HttpTransport {

    private final SockJsRuntime runtime;

    public XhrPollingTransport(SockJsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key) {
        new PollingReceiver(ctx, request, endpoint, key, runtime, TransportType.XHR, FrameFormat.XHR).start();
    }
}

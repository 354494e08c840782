package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;

/**
 * {@code GET /<server>/<session>/jsonp?c=<callback>}: for browsers without CORS, each response is
 * a script calling the page's callback with one frame as a JSON string.
 */
public final class JsonpPollingTransport implements HttpTransport {

    private final SockJsRuntime runtime;

    public JsonpPollingTransport(SockJsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key) {
        String callback = JsonpCallbacks.requireValid(ctx, request);
        if (callback != null) {
            new PollingReceiver(ctx, request, endpoint, key, runtime, TransportType.JSONP,
                    FrameFormat.jsonp(callback)).start();
        }
    }
}

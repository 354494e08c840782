package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;

/**
 * {@code GET /<server>/<session>/eventsource}: frames as server-sent events
 * ({@code data: <frame>\r\n\r\n}), after a {@code \r\n} prelude that old Opera needs.
 */
public final class EventSourceTransport implements HttpTransport {

    static final String PRELUDE = "\r\n";

    private final SockJsRuntime runtime;

    public EventSourceTransport(SockJsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key) {
        new StreamingReceiver(ctx, request, endpoint, key, runtime, TransportType.EVENTSOURCE,
                FrameFormat.EVENT_SOURCE, c -> StreamingReceiver.ascii(c, PRELUDE)).start();
    }
}

package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.function.Function;

/**
 * {@code GET /<server>/<session>/eventsource}: frames as server-sent events
 * ({@code data: <frame>\r\n\r\n}), after a {@code \r\n} prelude that old Opera needs.
 */
public final class EventSourceTransport implements HttpTransport {

    static final String PRELUDE = "\r\n";

    private static final Function<ChannelHandlerContext, ByteBuf> SHARED_PRELUDE =
            StreamingReceiver.constantPrelude(PRELUDE);

    private final SockJsRuntime runtime;

    public EventSourceTransport(SockJsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key) {
        new StreamingReceiver(ctx, request, endpoint, key, runtime, TransportType.EVENTSOURCE,
                FrameFormat.EVENT_SOURCE, SHARED_PRELUDE).start();
    }
}

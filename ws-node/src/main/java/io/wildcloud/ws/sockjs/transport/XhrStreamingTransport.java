package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.function.Function;

/**
 * {@code POST /<server>/<session>/xhr_streaming}: newline-separated frames in one long response,
 * after a prelude of 2048 {@code h} bytes (old IE hands a response to the script only once it
 * has seen 2 KiB).
 */
public final class XhrStreamingTransport implements HttpTransport {

    static final String PRELUDE = "h".repeat(2048) + "\n";

    private static final Function<ChannelHandlerContext, ByteBuf> SHARED_PRELUDE =
            StreamingReceiver.constantPrelude(PRELUDE);

    private final SockJsRuntime runtime;

    public XhrStreamingTransport(SockJsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key) {
        new StreamingReceiver(ctx, request, endpoint, key, runtime, TransportType.XHR_STREAMING, FrameFormat.XHR,
                SHARED_PRELUDE).start();
    }
}

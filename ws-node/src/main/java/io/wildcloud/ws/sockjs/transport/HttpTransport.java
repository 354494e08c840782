package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;

/**
 * Serves the requests of one {@link TransportType} once the router has checked the path, the
 * endpoint and the method. Implementations are stateless and shared by all channels; the state
 * of one request lives in the object it creates.
 */
public interface HttpTransport {

    /** Answers {@code request} for session {@code key}, now or later, on {@code ctx}'s event loop. */
    void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key);
}

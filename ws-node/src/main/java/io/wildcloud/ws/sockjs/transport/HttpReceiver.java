package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import io.wildcloud.ws.sockjs.session.SessionKey;

/**
 * One receiving HTTP request (a poll or a stream) of a session: the {@link SessionReceiver} state
 * machine with what every HTTP receiver shares. The session outlives the request: the slot is
 * released when the request ends, and the next request, on any node, claims it again.
 */
abstract class HttpReceiver extends SessionReceiver {

    final SockJsRequest request;
    final FrameFormat format;

    HttpReceiver(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key,
            SockJsRuntime runtime, TransportType type, FrameFormat format) {
        super(ctx, runtime, endpoint, key, type, SessionLifetime.ACROSS_REQUESTS);
        this.request = request;
        this.format = format;
    }

    /** The request's arrival: its claim may have waited for the socket's resolution, or for a stalled store. */
    @Override
    public final long askedAtNanos() {
        return request.receivedAtNanos();
    }

    @Override
    public final void evicted(boolean wasActive) {
        ctx.close();
    }

    /** Answers 503 while no byte of the response is out. */
    final void sendStoreUnavailable() {
        if (ctx.channel().isActive()) {
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "Session store unavailable, retry.");
        }
    }

    /** Answers 404: the session is unknown and the endpoint opens no new ones. */
    final void sendNotFound() {
        SockJsResponses.sendNotFound(ctx, request);
    }

    /** The headers every response of this transport carries. */
    final void commonHeaders(HttpResponse response) {
        SockJsResponses.transportHeaders(response, type, request, endpoint.options());
    }
}

package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.http.HttpResponses;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.concurrent.TimeUnit;

/**
 * One receiving HTTP request (a poll or a stream) of a session: the {@link SessionReceiver} state
 * machine with what every HTTP receiver shares. The session outlives the request: the slot is
 * released when the request ends, and the next request, on any node, claims it again.
 */
abstract class HttpReceiver extends SessionReceiver {

    /** How long a claim that found the slot busy waits before it asks again, once. */
    static final long BUSY_RETRY_DELAY_MILLIS = 100;

    final SockJsRequest request;
    final FrameFormat format;

    HttpReceiver(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key,
            SockJsRuntime runtime, TransportType type, FrameFormat format) {
        super(ctx, runtime, endpoint, key, type);
        this.request = request;
        this.format = format;
    }

    /** A gone endpoint starts no session; its closed ones still hand out their close frame. */
    @Override
    public final SessionStore.Creation creation() {
        return endpoint.acceptsNewSessions()
                ? SessionStore.Creation.CREATE_IF_MISSING : SessionStore.Creation.EXISTING_ONLY;
    }

    /**
     * A busy slot may be held by a request whose client just went away: its node has not seen the
     * connection close yet (another event loop, or another node behind the store). Asking once
     * more a moment later tells that apart from a really open second connection, which gets 2010.
     */
    @Override
    public final void busy(Runnable reclaim) {
        ctx.executor().schedule(() -> SockJsRuntime.onLoop(ctx, () -> {
            if (ctx.channel().isActive()) {
                reclaim.run();
            } else {
                done();
            }
        }), BUSY_RETRY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public final void evicted(boolean wasActive) {
        ctx.close();
    }

    /** Answers 503 while no byte of the response is out. */
    final void sendStoreUnavailable() {
        if (ctx.channel().isActive()) {
            HttpResponses.sendText(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "Session store unavailable, retry.");
        }
    }

    /** Answers 404: the session is unknown and the endpoint opens no new ones. */
    final void sendNotFound() {
        HttpResponses.sendNotFound(ctx, request);
    }

    /** The headers every response of this transport carries. */
    final void commonHeaders(HttpResponse response) {
        HttpResponses.transportHeaders(response, type, request, endpoint.options());
    }
}

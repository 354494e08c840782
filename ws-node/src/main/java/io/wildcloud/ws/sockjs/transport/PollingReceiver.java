package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;

/**
 * A polling request (xhr, jsonp): one complete response carrying one frame. It answers at once
 * when the claim found something to say, else it holds the request until a message, a close or
 * the heartbeat interval, and then releases the slot before it answers, so that the client's next
 * poll, on any node, finds the slot free and the queue without what this response carries.
 */
final class PollingReceiver extends HttpReceiver {

    PollingReceiver(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key,
            SockJsRuntime runtime, TransportType type, FrameFormat format) {
        super(ctx, request, endpoint, key, runtime, type, format);
    }

    void start() {
        start(ClaimMode.POLL);
    }

    @Override
    public void opened() {
        // A new session holds the slot even for a poll: give it back before the open frame goes out.
        releaseThen(() -> respond(SockJsFrame.open()));
        activate(); // ENDING already: events that waited are the next poll's
    }

    @Override
    public void openRefused(SockJsFrame refusal) {
        releaseThen(() -> respond(refusal));
    }

    @Override
    public void attached(List<QueuedMessage> pending, SockJsFrame closeFrame) {
        // For POLL, a claim with something to deliver has already taken it out and released the slot.
        if (!pending.isEmpty()) {
            done();
            respond(Frames.messages(pending));
        } else if (closeFrame != null) {
            done();
            respond(closeFrame);
        } else {
            scheduleHeartbeat();
        }
    }

    @Override
    public void refused(SockJsFrame frame) {
        if (frame == null) {
            sendNotFound();
        } else {
            respond(frame);
        }
    }

    @Override
    public void messages(List<QueuedMessage> messages) {
        SockJsFrame frame = Frames.messages(messages);
        releaseThen(() -> respond(frame));
    }

    @Override
    public void closed(SockJsFrame closeFrame) {
        releaseThen(() -> respond(closeFrame));
    }

    @Override
    public void heartbeat() {
        releaseThen(() -> respond(SockJsFrame.heartbeat()));
    }

    @Override
    public void drained() {
        // A heartbeat answer: the client polls again at once, through the balancer, elsewhere.
        releaseThen(() -> respond(SockJsFrame.heartbeat()));
    }

    @Override
    public void storeFailed() {
        sendStoreUnavailable();
    }

    private void respond(SockJsFrame frame) {
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(request.version(), HttpResponseStatus.OK,
                format.encode(ctx.alloc(), frame));
        commonHeaders(response);
        SockJsResponses.send(ctx, request, response);
    }
}

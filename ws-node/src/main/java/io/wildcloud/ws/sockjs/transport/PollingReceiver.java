package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelFuture;
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
import java.nio.channels.ClosedChannelException;
import java.util.List;

/**
 * A polling request (xhr, jsonp; iframe-xhr-polling is xhr's): one complete response carrying one
 * frame. It answers at once when the claim found something to say, else it holds the request until
 * a message, a close or the heartbeat interval. An answer with messages is written first and
 * released after, acknowledging them only if the write went out: a node that dies in between (or a
 * connection cut before the answer) leaves them queued, and the balancer's resend of the poll to
 * another node gets them (at least once, as a stream's messages; README "Sessions and node
 * deaths"). Other answers carry nothing to lose: they release first, so that the client's next
 * poll, on any node, finds the slot free.
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
        if (!pending.isEmpty()) {
            // One frame per poll: a close frame that came with them is the next poll's answer.
            answer(pending);
        } else if (closeFrame != null) {
            releaseThen(() -> respond(closeFrame));
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
        answer(messages);
    }

    private void answer(List<QueuedMessage> messages) {
        SockJsFrame frame = Frames.messages(messages);
        answerThenRelease(messages.get(0).seq() - 1, () -> respond(frame));
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

    private ChannelFuture respond(SockJsFrame frame) {
        if (!ctx.channel().isActive()) {
            return ctx.newFailedFuture(new ClosedChannelException());
        }
        FullHttpResponse response = new DefaultFullHttpResponse(request.version(), HttpResponseStatus.OK,
                format.encode(ctx.alloc(), frame));
        commonHeaders(response);
        return SockJsResponses.sendWatched(ctx, request, response);
    }
}

package io.wildcloud.ws.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.edge.PipelineNames;
import java.util.List;

/**
 * Bounds one HTTP connection, right after the HTTP codec: the time to receive a request's head,
 * the idle time between requests, the pace, length and memory of a body, the requests a trusted
 * proxy forwards per client, and what the decoder could not parse. Whatever it refuses gets a JSON
 * error with {@code Connection: close}, one rate-limited log line, and the connection ends. A
 * request being served (a held poll, a stream) is never timed here, nor is anything after a
 * websocket upgrade: those have their own heartbeats.
 *
 * <p>Its parts: {@link RequestTimer} (the clock), {@link RequestBody} (body bytes and their share
 * of the port's {@link RequestMemory}), {@link ForwardedSlot} (the forwarded client's count) and
 * {@link GuardRefusal} (what each refusal says). This class follows the requests through the
 * pipeline and answers.
 *
 * <p>Event loop only. Releases every inbound message it does not pass on.
 */
final class RequestGuard extends ChannelDuplexHandler {

    private final ConnectionGuards port;
    private final RequestTimer timer;
    private final RequestBody body;
    private final ForwardedSlot forwarded;
    private ChannelHandlerContext ctx;
    /** Requests whose response has not ended yet (more than one when a client pipelines). */
    private int inProgress;
    private boolean upgraded;
    private boolean refused;
    private final ChannelHandler watcher = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext watcherCtx, Object msg) {
            if (refused && !upgraded) {
                // Lingering before the close: what still comes is dropped undecoded, at no cost.
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof ByteBuf && !upgraded && inProgress == 0) {
                timer.headBytes();
            }
            watcherCtx.fireChannelRead(msg);
        }
    };

    RequestGuard(ConnectionGuards port) {
        this.port = port;
        this.timer = new RequestTimer(port.limits(), () -> inProgress > 0, this::lapsed);
        this.body = new RequestBody(port.memory(), port.maxBodyBytes());
        this.forwarded = new ForwardedSlot(port);
    }

    /** The handler that serves the connection's requests one at a time (the public port's); refusals go here. */
    ChannelHandler pipelinedRequests() {
        return new PipelinedRequests(this);
    }

    /** The handler that goes before the codec: it sees the first bytes of a head the codec still holds. */
    ChannelHandler byteWatcher() {
        return watcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        timer.start(ctx);
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
        timer.suspend(); // moving to another event loop (IntakeHandoff), or closing
        ctx.fireChannelUnregistered();
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        timer.rearm(); // on the loop the connection moved to
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof HttpRequest) {
                inProgress++; // a head the decoder gave up on: answered like any request
            }
            refuse(GuardRefusal.unparsable(object.decoderResult().cause(), !(msg instanceof HttpRequest)));
            return;
        }
        if (msg instanceof HttpRequest request && !admitHead(request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            int bytes = content.content().readableBytes();
            timer.bodyBytes(bytes);
            GuardRefusal refusal = body.admit(bytes);
            if (refusal != null) {
                ReferenceCountUtil.release(msg);
                refuse(refusal);
                return;
            }
            msg = RequestBody.compact(content, ctx.alloc());
        }
        boolean last = msg instanceof LastHttpContent;
        if (last) {
            timer.bodyEnded();
        }
        ctx.fireChannelRead(msg);
        if (last) {
            // The aggregated request has been handed on and read by now: its bytes are no longer ours.
            body.release();
            timer.rearm();
        }
    }

    private boolean admitHead(HttpRequest request) {
        timer.headArrived();
        inProgress++;
        GuardRefusal refusal = headRefusal(request);
        if (refusal != null) {
            refuse(refusal);
            return false;
        }
        body.start(HttpUtil.isTransferEncodingChunked(request));
        timer.requestAdmitted(!(request instanceof LastHttpContent));
        return true;
    }

    private GuardRefusal headRefusal(HttpRequest request) {
        if (!ValidTarget.isValid(request.uri())) {
            return GuardRefusal.malformedTarget();
        }
        GuardRefusal overCap = forwarded.acquire(ctx.channel(), request);
        if (overCap != null) {
            return overCap;
        }
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > port.maxBodyBytes()) {
            return GuardRefusal.bodyTooLarge(port.maxBodyBytes());
        }
        boolean hasBody = declared > 0 || HttpUtil.isTransferEncodingChunked(request);
        return hasBody && port.memory().isSpent() ? GuardRefusal.busy(port.memory()) : null;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!upgraded && msg instanceof HttpResponse response
                && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // A websocket from now on: its own heartbeat and limits bound it, and the guard leaves the
            // pipeline (about half a KiB per idle websocket); its watcher's place goes to the
            // websocket's message memory. Its forwarded client stays counted until the connection closes.
            upgraded = true;
            timer.stop();
            forwarded.releaseWhenClosed(ctx.channel());
            ctx.write(msg, promise);
            if (ctx.pipeline().context(watcher) != null) {
                // Right before Netty's frame decoder now: it counts the unfinished message the decoder holds.
                ctx.pipeline().replace(watcher, PipelineNames.WS_MESSAGE_MEMORY, new WebSocketMessageMemory(port));
            }
            ctx.pipeline().remove(this);
            return;
        } else if (!upgraded && msg instanceof LastHttpContent && inProgress > 0 && --inProgress == 0) {
            forwarded.release();
            timer.responsesEnded();
        }
        ctx.write(msg, promise);
    }

    /**
     * What the HTTP codec throws (the decoder past Netty's pipelining depth, the encoder given a
     * response it cannot frame) is a client's doing: one short line in the client-error log, 400
     * and close where an answer can still be framed, never a stack trace.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof CodecException) || upgraded) {
            ctx.fireExceptionCaught(cause);
        } else if (!refused) {
            refuse(GuardRefusal.codecFailure(cause));
        }
    }

    private void lapsed(RequestTimer.Lapse lapse) {
        switch (lapse) {
            case BODY -> refuse(GuardRefusal.bodyTimeout(port.limits().bodyTimeout()));
            case BODY_PROGRESS -> refuse(GuardRefusal.bodyTooSlow());
            case HEAD -> {
                inProgress++; // the partial head is the request being answered
                refuse(GuardRefusal.headTimeout(port.limits().requestHeadTimeout()));
            }
            case NOTHING_SENT, IDLE -> {
                // Nothing of a request came: an idle keep-alive or a half-open connection ends without a word.
                port.refusals().count(lapse == RequestTimer.Lapse.IDLE ? Refusal.IDLE_TIMEOUT : Refusal.HEAD_TIMEOUT);
                refused = true;
                stop();
                ctx.close();
            }
        }
    }

    /**
     * Answers with a JSON error and ends the connection; from now on every inbound message is
     * dropped. When an earlier request is still being answered or waits for its turn (a client that
     * pipelined), no answer can be put in order: the connection just ends.
     */
    void refuse(GuardRefusal refusal) {
        refused = true;
        port.refusals().count(refusal.reason());
        stop();
        port.errors().log(ctx.channel(), refusal.status().code() + " " + refusal.logged());
        // The refused request is counted in inProgress; any other is an earlier one still answering.
        if (inProgress > 1 || !ctx.channel().isActive()) {
            ctx.close();
            return;
        }
        dropHandlersAfter(ctx);
        GuardResponses.sendAndClose(ctx, refusal.status(), refusal.code(), refusal.message());
    }

    /**
     * Removes the handlers behind this one: the connection serves nothing more, and the aggregator
     * lets go of a refused body's bytes now instead of when the lingering close ends.
     */
    private static void dropHandlersAfter(ChannelHandlerContext ctx) {
        List<String> names = ctx.pipeline().names();
        for (String name : names.subList(names.indexOf(ctx.name()) + 1, names.size())) {
            if (ctx.pipeline().context(name) != null && !name.startsWith("DefaultChannelPipeline$TailContext")) {
                ctx.pipeline().remove(name);
            }
        }
    }

    private void stop() {
        timer.stop();
        body.release();
        forwarded.release();
    }
}

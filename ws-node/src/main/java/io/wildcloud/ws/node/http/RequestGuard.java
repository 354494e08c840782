package io.wildcloud.ws.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.node.config.ConnectionLimits;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * Bounds one HTTP connection, right after the HTTP codec: the time to receive a request's head,
 * the idle time between requests, the pace, length and memory of a body, and what the decoder
 * could not parse. Whatever it refuses gets a JSON error with {@code Connection: close}, one
 * rate-limited log line, and the connection ends. A request being served (a held poll, a stream)
 * is never timed here, nor is anything after a websocket upgrade: those have their own heartbeats.
 *
 * <p>Event loop only. Releases every inbound message it does not pass on.
 */
final class RequestGuard extends ChannelDuplexHandler {

    private final ConnectionGuards port;
    private final ConnectionLimits limits;
    private ChannelHandlerContext ctx;

    /** Since when the connection waits for a request: its start, or the end of the last response. */
    private long waitingSince;
    /** When the first byte of the next request's head arrived; -1 before. */
    private long headStartedAt = -1;
    private boolean requestSeen;
    /** Requests whose response has not ended yet (more than one when a client pipelines). */
    private int inProgress;
    private boolean receivingBody;
    private long bodyStartedAt;
    private long bodyBytes;
    private long windowStartedAt;
    private long windowBytes;
    /** Bytes of the body in progress reserved from the port's {@link RequestMemory}. */
    private long reserved;
    private InetAddress forwardedClient;
    private boolean upgraded;
    private boolean refused;
    private ScheduledFuture<?> timer;
    private long timerAt;

    RequestGuard(ConnectionGuards port) {
        this.port = port;
        this.limits = port.limits();
    }

    /** The handler that goes before the codec: it sees the first bytes of a head the codec still holds. */
    ChannelHandler byteWatcher() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext watcherCtx, Object msg) {
                if (refused && !upgraded) {
                    // Lingering before the close: what still comes is dropped undecoded, at no cost.
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (msg instanceof ByteBuf && !upgraded && !receivingBody && inProgress == 0 && headStartedAt < 0) {
                    headStartedAt = System.nanoTime();
                    rearm();
                }
                watcherCtx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        waitingSince = System.nanoTime();
        rearm();
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
            refuseUnparsable(object.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpRequest request && !admitHead(request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            if (!admitContent(content)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            msg = compact(content);
        }
        boolean last = msg instanceof LastHttpContent;
        if (last) {
            receivingBody = false;
        }
        ctx.fireChannelRead(msg);
        if (last) {
            // The aggregated request has been handed on and read by now: its bytes are no longer ours.
            port.memory().release(reserved);
            reserved = 0;
            rearm();
        }
    }

    private boolean admitHead(HttpRequest request) {
        headStartedAt = -1;
        requestSeen = true;
        inProgress++;
        if (!ValidTarget.isValid(request.uri())) {
            refuse(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                    "The request target has a malformed percent-escape; encode a literal % as %25.",
                    "malformed request target");
            return false;
        }
        if (!admitForwardedClient(request)) {
            return false;
        }
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > port.maxBodyBytes()) {
            refuseTooLarge();
            return false;
        }
        boolean hasBody = declared > 0 || HttpUtil.isTransferEncodingChunked(request);
        if (hasBody && port.memory().isSpent()) {
            refuseBusy();
            return false;
        }
        receivingBody = !(request instanceof LastHttpContent);
        bodyBytes = 0;
        bodyStartedAt = System.nanoTime();
        windowStartedAt = bodyStartedAt;
        windowBytes = 0;
        rearm();
        return true;
    }

    private boolean admitForwardedClient(HttpRequest request) {
        InetAddress peer = ConnectionGuards.peer(ctx.channel());
        if (forwardedClient != null || peer == null || !port.isTrustedProxy(peer)) {
            return true;
        }
        InetAddress client = ForwardedClient.of(request.headers().get("X-Forwarded-For"), port::isTrustedProxy);
        if (client == null) {
            return true;
        }
        if (!port.requestsPerForwardedAddress().tryAcquire(client)) {
            refuse(Refusal.MAX_CONNECTIONS_PER_ADDRESS, HttpResponseStatus.TOO_MANY_REQUESTS,
                    ErrorCodes.TOO_MANY_CONNECTIONS,
                    "This client address has max-connections-per-address requests open; finish some first.",
                    "forwarded client " + client.getHostAddress() + " over max-connections-per-address");
            return false;
        }
        forwardedClient = client;
        return true;
    }

    private boolean admitContent(HttpContent content) {
        int bytes = content.content().readableBytes();
        bodyBytes += bytes;
        windowBytes += bytes;
        if (bodyBytes > port.maxBodyBytes()) {
            refuseTooLarge();
            return false;
        }
        if (!port.memory().tryReserve(bytes)) {
            refuseBusy();
            return false;
        }
        reserved += bytes;
        return true;
    }

    /**
     * A body piece that arrived in a small read is a slice of a larger read buffer, and keeps all
     * of it alive while the aggregator holds the piece: copied out, it holds only its own bytes,
     * so the bytes {@link RequestMemory} counts are the bytes held.
     */
    private HttpContent compact(HttpContent content) {
        ByteBuf data = content.content();
        ByteBuf holder = data.unwrap() != null ? data.unwrap() : data;
        int bytes = data.readableBytes();
        if (bytes == 0 || holder.capacity() <= 2 * bytes + 1024) {
            return content;
        }
        HttpContent copy = content.replace(ctx.alloc().buffer(bytes, bytes).writeBytes(data, data.readerIndex(), bytes));
        content.release();
        return copy;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!upgraded && msg instanceof HttpResponse response
                && response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // A websocket from now on: its own heartbeat and limits bound it. Its forwarded
            // client stays counted while it is open.
            upgraded = true;
            cancelTimer();
        } else if (!upgraded && msg instanceof LastHttpContent && inProgress > 0 && --inProgress == 0) {
            waitingSince = System.nanoTime();
            releaseForwardedClient();
            rearm();
        }
        ctx.write(msg, promise);
    }

    private void refuseUnparsable(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            refuse(Refusal.HEADERS_TOO_LARGE, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    ErrorCodes.HEADERS_TOO_LARGE,
                    "The request headers are too large; send fewer or shorter headers (cookies).", "headers too large");
        } else if (cause instanceof TooLongHttpLineException) {
            refuse(Refusal.URI_TOO_LONG, HttpResponseStatus.REQUEST_URI_TOO_LONG, ErrorCodes.URI_TOO_LONG,
                    "The request line is too long; shorten the URL.", "request line too long");
        } else {
            refuse(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                    "The request is not valid HTTP/1.1.",
                    "unparsable request (" + cause.getClass().getSimpleName() + ")");
        }
    }

    private void refuseTooLarge() {
        refuse(Refusal.BODY_TOO_LARGE, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCodes.BODY_TOO_LARGE,
                "The request body is larger than " + port.maxBodyBytes() + " bytes.", "body over " + port.maxBodyBytes() + " bytes");
    }

    private void refuseBusy() {
        refuse(Refusal.BUSY, HttpResponseStatus.SERVICE_UNAVAILABLE, ErrorCodes.BUSY,
                "The node holds as many request bodies as max-request-memory allows; retry shortly.",
                "request memory spent (" + port.memory().used() + " of " + port.memory().limit() + " bytes)");
    }

    /**
     * Answers with a JSON error and ends the connection; from now on every inbound message is
     * dropped. When an earlier response is still being written (a client that pipelined behind a
     * stream), no answer can be framed in: the connection just ends.
     */
    private void refuse(Refusal reason, HttpResponseStatus status, String code, String message, String logged) {
        refused = true;
        port.refusals().count(reason);
        stop();
        port.errors().log(ctx.channel(), status.code() + " " + logged);
        // The refused request is counted in inProgress; any other is an earlier one still answering.
        if (inProgress > 1 || !ctx.channel().isActive()) {
            ctx.close();
            return;
        }
        dropHandlersAfter(ctx);
        GuardResponses.sendAndClose(ctx, status, code, message);
    }

    /**
     * Removes the handlers behind this one: the connection serves nothing more, and the aggregator
     * lets go of a refused body's bytes now instead of when the lingering close ends.
     */
    private static void dropHandlersAfter(ChannelHandlerContext ctx) {
        java.util.List<String> names = ctx.pipeline().names();
        for (String name : names.subList(names.indexOf(ctx.name()) + 1, names.size())) {
            if (ctx.pipeline().context(name) != null && !name.startsWith("DefaultChannelPipeline$TailContext")) {
                ctx.pipeline().remove(name);
            }
        }
    }

    private void rearm() {
        if (ctx == null || refused || upgraded) {
            return;
        }
        long deadline = nextDeadline();
        if (deadline == Long.MAX_VALUE) {
            cancelTimer();
            return;
        }
        if (timer != null && timerAt <= deadline) {
            return; // fires first and re-arms then
        }
        cancelTimer();
        timerAt = deadline;
        timer = ctx.executor().schedule(this::onTimer, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The next moment something must be checked; {@link Long#MAX_VALUE} when nothing is timed. */
    private long nextDeadline() {
        if (receivingBody) {
            return Math.min(bodyStartedAt + limits.bodyTimeout().toNanos(),
                    windowStartedAt + limits.bodyProgressInterval().toNanos());
        }
        if (inProgress > 0) {
            return Long.MAX_VALUE; // being served: a held poll or a stream is not idle
        }
        if (!requestSeen) {
            return waitingSince + limits.requestHeadTimeout().toNanos();
        }
        return headStartedAt >= 0 ? headStartedAt + limits.requestHeadTimeout().toNanos()
                : waitingSince + limits.idleTimeout().toNanos();
    }

    private void onTimer() {
        timer = null;
        if (refused || upgraded || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (receivingBody) {
            if (now - bodyStartedAt >= limits.bodyTimeout().toNanos()) {
                refuse(Refusal.BODY_TIMEOUT, HttpResponseStatus.REQUEST_TIMEOUT, ErrorCodes.REQUEST_TIMEOUT,
                        "The request body did not arrive within " + limits.bodyTimeout().toSeconds() + " s.",
                        "body not complete within body-timeout");
                return;
            }
            if (now - windowStartedAt >= limits.bodyProgressInterval().toNanos()) {
                if (windowBytes < limits.bodyProgressBytes()) {
                    refuse(Refusal.BODY_TOO_SLOW, HttpResponseStatus.REQUEST_TIMEOUT, ErrorCodes.REQUEST_TIMEOUT,
                            "The request body arrives too slowly.", "body slower than body-progress-bytes");
                    return;
                }
                windowStartedAt = now;
                windowBytes = 0;
            }
        } else if (inProgress == 0 && now - nextDeadline() >= 0) {
            if (headStartedAt >= 0) {
                inProgress++; // the partial head is the request being answered
                refuse(Refusal.HEAD_TIMEOUT, HttpResponseStatus.REQUEST_TIMEOUT, ErrorCodes.REQUEST_TIMEOUT,
                        "The request head did not arrive within " + limits.requestHeadTimeout().toSeconds() + " s.",
                        "head not complete within request-head-timeout");
            } else {
                // Nothing of a request came: an idle keep-alive or a half-open connection ends without a word.
                port.refusals().count(requestSeen ? Refusal.IDLE_TIMEOUT : Refusal.HEAD_TIMEOUT);
                refused = true;
                stop();
                ctx.close();
            }
            return;
        }
        rearm();
    }

    private void stop() {
        cancelTimer();
        port.memory().release(reserved);
        reserved = 0;
        releaseForwardedClient();
    }

    private void releaseForwardedClient() {
        if (forwardedClient != null) {
            port.requestsPerForwardedAddress().release(forwardedClient);
            forwardedClient = null;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

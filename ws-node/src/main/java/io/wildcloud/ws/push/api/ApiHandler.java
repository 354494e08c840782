package io.wildcloud.ws.push.api;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.common.api.ErrorBody;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.edge.LoopFlushes;
import io.wildcloud.ws.push.PublishBudgetExceededException;
import io.wildcloud.ws.push.RequestIdQuotaExceededException;
import io.wildcloud.ws.push.SocketQuotaExceededException;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.StoreFullException;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API on its own port, after {@code HttpServerCodec} and a {@link JsonHttpObjectAggregator}
 * (which answers over-large bodies with our JSON 413). Routes are in {@link ApiRoutes}.
 *
 * <p>Every error is {@code {"error","message"}} JSON: 400 malformed JSON, missing or mistyped
 * fields, bad callback URL, bad ids; 403 unknown application (nothing is created); 404 unknown
 * path, socket or session; 405 wrong method (with {@code Allow}); 413 body or message too large,
 * or a publish that could queue more than its application's publish burst; 429 a single session's
 * queue is full, the application's publish budget or new-socket quota is spent (with
 * {@code Retry-After}); 503 a store is unreachable ({@code store_unavailable},
 * retry) or did not answer a publish in time ({@code store_timeout}: it may have been delivered;
 * a retry with the same request id is safe); 507 the store is full ({@code store_full}, nothing
 * was queued); 500 a bug.
 *
 * <p>Requests of one connection are answered in order: while one is being served (the stores
 * answer asynchronously) the next waits here and reading pauses. One instance per channel.
 */
public final class ApiHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final ApiRoutes routes;
    /** Requests that arrived while one was in progress; owned (retained) here until served. */
    private final Queue<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;
    private boolean closed;
    /**
     * The promise of a kept-alive answer's write, which nothing waits for: one per connection
     * instead of a new one per answer; like an unwatched promise, a failed write is not reported
     * (the connection's close is).
     */
    private ChannelPromise unwatched;

    ApiHandler(ApiRoutes routes) {
        this.routes = routes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (busy) {
            waiting.add(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        serve(ctx, request);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        busy = true;
        // Take what the answer needs, then free the request at once: the routes may take a while.
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        String uri = request.uri();
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        boolean broken = request.decoderResult().isFailure();
        String body = request.content().toString(StandardCharsets.UTF_8);
        // The decoder turns bytes that are not UTF-8 into U+FFFD: a Latin-1 "café" would be
        // published as "caf\uFFFD" without a word. Checked only when one appears (hot path).
        boolean notUtf8 = body.indexOf('\uFFFD') >= 0 && !ByteBufUtil.isText(request.content(), StandardCharsets.UTF_8);
        String requestId;
        try {
            requestId = RequestIds.of(request.headers());
        } catch (ApiException e) {
            request.release();
            reply(ctx, version, keepAlive, ApiReply.of(e));
            return;
        }
        request.release();
        if (broken) {
            reply(ctx, version, false, ApiReply.of(ApiException.badRequest(ErrorCodes.BAD_REQUEST,
                    "The request is not valid HTTP/1.1.")));
            return;
        }
        if (notUtf8) {
            reply(ctx, version, keepAlive, ApiReply.of(JsonBodies.malformed()));
            return;
        }
        CompletionStage<ApiReply> answered = routes.route(method, uri, authorization, body, requestId);
        ApiReply now = Stages.doneNow(answered);
        if (now != null && ctx.executor().inEventLoop()) { // as below, without the stage and its lambda
            reply(ctx, version, keepAlive, now);
            return;
        }
        answered.whenComplete((reply, error) -> {
            ApiReply answer = error == null ? reply : replyFor(ctx, method, uri, requestId, error);
            if (ctx.executor().inEventLoop()) {
                reply(ctx, version, keepAlive, answer);
            } else {
                ctx.executor().execute(() -> reply(ctx, version, keepAlive, answer));
            }
        });
    }

    private void reply(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, ApiReply reply) {
        if (closed) {
            return;
        }
        if (!keepAlive) {
            ctx.write(ApiResponses.build(ctx.alloc(), version, reply, false)).addListener(ChannelFutureListener.CLOSE);
            LoopFlushes.flushSoon(ctx);
            return;
        }
        if (unwatched == null) {
            unwatched = new VoidChannelPromise(ctx.channel(), false);
        }
        ctx.write(ApiResponses.build(ctx.alloc(), version, reply, true), unwatched);
        LoopFlushes.flushSoon(ctx);
        busy = false;
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            serve(ctx, next);
        } else {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static ApiReply replyFor(ChannelHandlerContext ctx, HttpMethod method, String uri, String requestId,
            Throwable error) {
        Throwable cause = Causes.unwrap(error);
        if (cause instanceof ApiException api) {
            return ApiReply.of(api);
        }
        if (cause instanceof SocketQuotaExceededException quota) {
            return ApiReply.tooManyRequests(new ErrorBody(ErrorCodes.TOO_MANY_SOCKETS,
                    "This " + quota.getMessage() + ". Nothing was created: authorize clients that already have"
                            + " a socket (they keep theirs), revoke the ones that left, or ask the operators to"
                            + " raise the quota.").toJson(), quota.windowEndsIn().toSeconds());
        }
        if (cause instanceof RequestIdQuotaExceededException requestIds) {
            return ApiReply.tooManyRequests(new ErrorBody(ErrorCodes.TOO_MANY_REQUEST_IDS,
                    "Nothing was published: " + requestIds.getMessage() + ". Retry with the same request id after"
                            + " Retry-After seconds (a repeat of a request id already remembered is answered"
                            + " meanwhile), publish without one, or ask the operators to raise the bound.").toJson(),
                    Math.max(1, (requestIds.windowEndsIn().toMillis() + 999) / 1000));
        }
        if (cause instanceof PublishBudgetExceededException budget) {
            return ApiReply.tooManyRequests(new ErrorBody(ErrorCodes.TOO_MANY_PUBLISH_BYTES,
                    budget.getMessage() + ". Nothing was published: retry after Retry-After seconds, publish fewer or"
                            + " smaller messages to fewer sessions, or ask the operators to raise the budget.").toJson(),
                    (budget.retryAfter().toNanos() + 999_999_999L) / 1_000_000_000L);
        }
        if (cause instanceof StoreFullException) {
            log.warn("{} {} {}: store full: {}", ctx.channel().id(), method, redact(uri), cause.getMessage());
            return new ApiReply(HttpResponseStatus.INSUFFICIENT_STORAGE, new ErrorBody(ErrorCodes.STORE_FULL,
                    "The service's store is out of memory and refused the write; nothing was queued."
                            + " Retry later; the operators must free or add memory.").toJson(), null);
        }
        if (cause instanceof StoreOutcomeUnknownException) {
            log.warn("{} {} {}: store did not answer: {}", ctx.channel().id(), method, redact(uri), cause.getMessage());
            String retry = requestId != null
                    ? " Retrying with the same " + RequestIds.X_REQUEST_ID + " (or " + RequestIds.IDEMPOTENCY_KEY
                            + ") within " + SocketStore.REQUEST_ID_WINDOW.toMinutes() + " minutes is safe:"
                            + " it is delivered at most once."
                    : " A retry may deliver it twice; send an " + RequestIds.IDEMPOTENCY_KEY + " or "
                            + RequestIds.X_REQUEST_ID + " header to make retries safe.";
            return new ApiReply(HttpResponseStatus.SERVICE_UNAVAILABLE, new ErrorBody(ErrorCodes.STORE_TIMEOUT,
                    "The service's store did not answer in time; the message may have been delivered." + retry)
                    .toJson(), null);
        }
        if (cause instanceof StoreUnavailableException) {
            log.warn("{} {} {}: store unavailable: {}", ctx.channel().id(), method, redact(uri), cause.getMessage());
            return new ApiReply(HttpResponseStatus.SERVICE_UNAVAILABLE, new ErrorBody(ErrorCodes.STORE_UNAVAILABLE,
                    "The service cannot reach its store right now; retry shortly.").toJson(), null);
        }
        log.error("{} {} {} failed", ctx.channel().id(), method, redact(uri), cause);
        return new ApiReply(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                new ErrorBody(ErrorCodes.INTERNAL_ERROR, "The service failed; it logged why.").toJson(), null);
    }

    /**
     * What a log may show of a request's URI: {@code /authorize/<secret>/...} loses the secret and
     * the client, {@code /publish/<socket id>/...} shows the socket as its {@link LogTag}.
     */
    static String redact(String uri) {
        if (uri.startsWith("/authorize/")) {
            return "/authorize/<redacted>";
        }
        if (uri.startsWith("/publish/")) {
            String rest = uri.substring("/publish/".length());
            int slash = rest.indexOf('/');
            return "/publish/" + LogTag.of(slash < 0 ? rest : rest.substring(0, slash))
                    + (slash < 0 ? "" : rest.substring(slash));
        }
        return uri;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            request.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} API connection failed, closing", ctx.channel().id(), cause);
        ctx.close();
    }
}

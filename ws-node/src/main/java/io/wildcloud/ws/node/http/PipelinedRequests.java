package io.wildcloud.ws.node.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Serves one request of a connection at a time, in order (RFC 9112 9.3.2): a request that arrives
 * while the one before it is being answered (a held poll, a stream, a chunked answer) waits here,
 * the connection stops reading, and the request is handed on once that answer has ended. Without
 * it a client that pipelines has its requests run at once: answers out of order, one connection
 * holding a poll per request, and a response head written into a stream (the encoder throws).
 *
 * <p>At most {@link #MAX_WAITING} requests wait; one more is refused by the connection's
 * {@link RequestGuard} (one log line, the connection ends: no answer can go in front of the one in
 * progress). What waits is what the node had read when it stopped reading. A {@code 1xx} (the
 * aggregator's {@code 100 Continue}) does not end an answer; a {@code 101} ends HTTP on the
 * connection and this handler leaves; nothing is served behind an answer that closes the connection
 * ({@code Connection: close}, a drain).
 *
 * <p>Public port, after the intake hand-off (so on the connection's worker loop) and before the
 * aggregator (which must not see a waiting request's {@code Expect: 100-continue}). Event loop only.
 * Releases what waits when it is not served. A request served alone, as browsers send them, costs
 * a few field and type checks in and out, and nothing is allocated.
 */
final class PipelinedRequests extends ChannelDuplexHandler {

    static final int MAX_WAITING = 4;

    private final RequestGuard guard;
    /** A request was handed on and its answer has not ended. */
    private boolean answering;
    /** The answer in progress closes the connection at its end. */
    private boolean closesAfterAnswer;
    /** Heads and body pieces of the requests that wait, in order; null until a client pipelines. */
    private ArrayDeque<Object> waiting;
    private int waitingRequests;
    /** Nothing more is served on the connection: what still comes is dropped. */
    private boolean ended;

    PipelinedRequests(RequestGuard guard) {
        this.guard = guard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ended) {
            ReferenceCountUtil.release(msg);
        } else if (waitingRequests > 0 || answering && msg instanceof HttpRequest) {
            hold(ctx, msg);
        } else {
            if (msg instanceof HttpRequest) {
                answering = true;
            }
            ctx.fireChannelRead(msg); // a request of its own, or the body of the one being answered
        }
    }

    private void hold(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            if (waitingRequests == MAX_WAITING) {
                ReferenceCountUtil.release(msg);
                end();
                guard.refuse(GuardRefusal.tooManyPipelined(MAX_WAITING));
                return;
            }
            if (waitingRequests++ == 0) {
                ctx.channel().config().setAutoRead(false);
            }
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>(4);
        }
        waiting.add(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                ctx.write(msg, promise);
                end(); // a websocket from now on: what was pipelined behind its handshake is not HTTP to serve
                ctx.pipeline().remove(this);
                return;
            }
            if (status < 200) {
                ctx.write(msg, promise); // 100 Continue: a full response, but the answer is still to come
                return;
            }
            closesAfterAnswer = closesConnection(response);
        }
        ctx.write(msg, promise);
        if (msg instanceof LastHttpContent && answering) {
            answering = false;
            if (closesAfterAnswer) {
                end(); // what still comes, or waits, is not served
            } else if (waitingRequests > 0) {
                // Not from inside the write: whoever wrote the answer is still on the stack.
                ctx.executor().execute(() -> serveNext(ctx));
            }
        }
    }

    /** Whether {@code response} ends its connection; an HTTP/1.1 answer without {@code Connection} (most) costs one look-up. */
    private static boolean closesConnection(HttpResponse response) {
        return (response.protocolVersion() != HttpVersion.HTTP_1_1 || response.headers().contains(HttpHeaderNames.CONNECTION))
                && !HttpUtil.isKeepAlive(response);
    }

    /** Hands on the next waiting request: its head and what came of its body. */
    private void serveNext(ChannelHandlerContext ctx) {
        if (ended || answering || waitingRequests == 0) {
            return;
        }
        if (!ctx.channel().isActive()) {
            end();
            return;
        }
        answering = true;
        waitingRequests--;
        ctx.fireChannelRead(waiting.poll());
        while (!ended && waiting.peek() != null && !(waiting.peek() instanceof HttpRequest)) {
            ctx.fireChannelRead(waiting.poll());
        }
        if (!ended && waitingRequests == 0) {
            ctx.channel().config().setAutoRead(true); // the rest of its body, and what comes next
        }
        ctx.fireChannelReadComplete();
    }

    private void end() {
        ended = true;
        waitingRequests = 0;
        if (waiting != null) {
            Object msg;
            while ((msg = waiting.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }
}

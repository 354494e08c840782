package io.wildcloud.ws.node.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP connections of one port, so that a draining node stops being reused: once
 * {@link #drain()} is called, idle keep-alive connections are closed, and every response carries
 * {@code Connection: close} and ends its connection. A balancer that pools connections to the node
 * then opens new ones, which the closed listening port refuses, and goes to another node.
 * Websockets (after a 101) are left alone: the SockJS drain closes them with going-away.
 */
public final class DrainingConnections {

    private final Set<Tracker> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    /** A new handler for one connection; add it right after the HTTP codec. */
    public ChannelDuplexHandler newHandler() {
        return new Tracker();
    }

    /** From now on responses close their connections; closes the idle ones now. */
    public void drain() {
        draining = true;
        for (Tracker tracker : connections) {
            tracker.closeIfIdle();
        }
    }

    /** Tracks whether its connection has a request in progress. Event loop only, apart from closeIfIdle. */
    private final class Tracker extends ChannelDuplexHandler {
        private Channel channel;
        private int requestsInProgress;
        private int requestsSeen;
        private boolean upgraded;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            connections.add(this);
            ctx.channel().closeFuture().addListener(f -> connections.remove(this));
            if (draining) {
                closeIfIdle();
            }
        }

        /**
         * Closes a kept-alive connection between requests. A fresh one that has not sent its first
         * request yet is left to send it (its answer then closes it): closing it now could drop a
         * request already on its way, which a balancer may not retry (a POST).
         */
        void closeIfIdle() {
            channel.eventLoop().execute(() -> {
                if (requestsInProgress == 0 && requestsSeen > 0 && !upgraded) {
                    channel.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest && !upgraded) {
                requestsInProgress++;
                requestsSeen++;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (upgraded) {
                ctx.write(msg, promise);
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                    // A websocket: the SockJS drain closes it, nothing here is left to do, and an
                    // idle websocket is lighter without this handler.
                    upgraded = true;
                    connections.remove(this);
                    ctx.write(msg, promise);
                    ctx.pipeline().remove(this);
                    return;
                }
                if (draining) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
            }
            if (msg instanceof LastHttpContent) {
                requestsInProgress = Math.max(0, requestsInProgress - 1);
                if (draining) {
                    // Even a response that began before the drain (a stream) ends its connection.
                    // A void promise takes no listener: close after the write through a real one.
                    ChannelPromise written = promise.isVoid() ? ctx.newPromise() : promise;
                    ctx.write(msg, written);
                    written.addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            ctx.write(msg, promise);
        }
    }
}

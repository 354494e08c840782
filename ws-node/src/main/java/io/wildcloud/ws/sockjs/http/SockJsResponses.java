package io.wildcloud.ws.sockjs.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.TransportType;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP behaviour all SockJS responses share: caching headers, CORS, the JSESSIONID cookie and
 * writing a complete response with the keep-alive rules of the request's HTTP version.
 */
public final class SockJsResponses {

    public static final String TEXT_PLAIN = "text/plain;charset=UTF-8";
    public static final String NO_CACHE = "no-store, no-cache, no-transform, must-revalidate, max-age=0";
    public static final long ONE_YEAR_SECONDS = TimeUnit.DAYS.toSeconds(365);
    public static final String CACHE_ONE_YEAR = "public, max-age=" + ONE_YEAR_SECONDS;

    private SockJsResponses() {
    }

    /** A complete response with a UTF-8 body; {@code contentType} may be {@code null}. */
    public static FullHttpResponse full(ChannelHandlerContext ctx, SockJsRequest request, HttpResponseStatus status,
            String contentType, String body) {
        ByteBuf content = body.isEmpty() ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(ctx.alloc(), body);
        FullHttpResponse response = new DefaultFullHttpResponse(request.version(), status, content);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        return response;
    }

    /** Writes and flushes a complete response, then closes the connection unless it is kept alive. */
    public static void send(ChannelHandlerContext ctx, SockJsRequest request, FullHttpResponse response) {
        if (prepare(request, response)) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * As {@link #send}, and tells when the response is written: a poll acknowledges its messages
     * only once they are (a node that dies before leaves them queued for the balancer's resend).
     */
    public static ChannelFuture sendWatched(ChannelHandlerContext ctx, SockJsRequest request,
            FullHttpResponse response) {
        boolean keepAlive = prepare(request, response);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return written;
    }

    /** Sets the length and keep-alive headers; whether the connection stays open after the response. */
    private static boolean prepare(SockJsRequest request, FullHttpResponse response) {
        int code = response.status().code();
        if (code != 204 && code != 304) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        boolean keepAlive = request.keepAlive();
        HttpUtil.setKeepAlive(response, keepAlive);
        return keepAlive;
    }

    /** Answers with a plain-text body: the protocol's error answers (500 "Payload expected." ...). */
    public static void sendText(ChannelHandlerContext ctx, SockJsRequest request, HttpResponseStatus status,
            String body) {
        send(ctx, request, full(ctx, request, status, TEXT_PLAIN, body));
    }

    /** A 404 with no body. */
    public static void sendNotFound(ChannelHandlerContext ctx, SockJsRequest request) {
        request.notFound();
        sendText(ctx, request, HttpResponseStatus.NOT_FOUND, "");
    }

    /** A 405 with the allowed methods, no body and no content type, as the protocol wants it. */
    public static void sendMethodNotAllowed(ChannelHandlerContext ctx, SockJsRequest request, String allow) {
        FullHttpResponse response = full(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, null, "");
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        send(ctx, request, response);
    }

    /** A JSON error {"error": code, "message": what to do}, for bad input outside the protocol's own errors. */
    public static void sendJsonError(ChannelHandlerContext ctx, SockJsRequest request, HttpResponseStatus status,
            String code, String message) {
        String body = "{\"error\":" + io.wildcloud.ws.common.sockjs.SockJsJson.quote(code)
                + ",\"message\":" + io.wildcloud.ws.common.sockjs.SockJsJson.quote(message) + "}";
        send(ctx, request, full(ctx, request, status, "application/json;charset=UTF-8", body));
    }

    /** Private data fetched with GET or POST must never be cached (iOS 6 even caches POSTs). */
    public static void noCache(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CACHE_CONTROL, NO_CACHE);
    }

    /** Static content that never changes under its URL: cache it for a year. */
    public static void cacheOneYear(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CACHE_CONTROL, CACHE_ONE_YEAR);
        headers.set(HttpHeaderNames.EXPIRES,
                DateFormatter.format(new Date(System.currentTimeMillis() + ONE_YEAR_SECONDS * 1000)));
    }

    /**
     * CORS for XHR transports: the request's origin is echoed (even {@code null}, from file:// pages)
     * with credentials so that cookies fly; without an origin, {@code *}.
     */
    public static void cors(SockJsRequest request, HttpHeaders headers) {
        String origin = request.header(HttpHeaderNames.ORIGIN);
        if (origin == null || origin.isEmpty()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        String requested = request.header(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requested != null && !requested.isEmpty()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
    }

    /** Answers a CORS preflight: cacheable for a year, the given methods allowed. */
    public static void sendPreflight(ChannelHandlerContext ctx, SockJsRequest request, String methods) {
        FullHttpResponse response = full(ctx, request, HttpResponseStatus.NO_CONTENT, null, "");
        HttpHeaders headers = response.headers();
        cacheOneYear(headers);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, ONE_YEAR_SECONDS);
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
        cors(request, headers);
        send(ctx, request, response);
    }

    /**
     * What every response of a session transport carries: its content type, no caching, CORS for
     * the XHR transports and, when the endpoint asks for it, JSESSIONID.
     */
    public static void transportHeaders(HttpResponse response, TransportType type, SockJsRequest request,
            SockJsOptions options) {
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type.contentType());
        noCache(response.headers());
        if (type.cors()) {
            cors(request, response.headers());
        }
        if (type.cookie() && options.cookieNeeded()) {
            jsessionId(request, response);
        }
    }

    /**
     * Sets {@code JSESSIONID} for load balancers that pin by it: the client's own value echoed, or
     * {@code dummy} (the value means nothing to us).
     */
    public static void jsessionId(SockJsRequest request, HttpResponse response) {
        String value = "dummy";
        String cookieHeader = request.header(HttpHeaderNames.COOKIE);
        if (cookieHeader != null) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decode(cookieHeader)) {
                if (cookie.name().equals("JSESSIONID")) {
                    value = cookie.value();
                    break;
                }
            }
        }
        response.headers().set(HttpHeaderNames.SET_COOKIE, "JSESSIONID=" + value + "; path=/");
    }
}

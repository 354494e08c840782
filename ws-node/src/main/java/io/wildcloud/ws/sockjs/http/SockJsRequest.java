package io.wildcloud.ws.sockjs.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the SockJS layer needs of one HTTP request, copied out of Netty's reference-counted
 * message so that it can outlive it across the asynchronous endpoint and store look-ups. Holds no
 * buffer: the body is kept as text.
 */
public final class SockJsRequest {

    private final HttpMethod method;
    private final HttpVersion version;
    private final String uri;
    private final HttpHeaders headers;
    private final boolean keepAlive;
    private final String body;
    private final int bodyBytes;
    private final long receivedAtNanos = System.nanoTime();
    private QueryStringDecoder query;
    /** Run once when the request is answered 404 (see {@link #whenNotFound}). */
    private Runnable notFound;

    private SockJsRequest(FullHttpRequest request) {
        this.method = request.method();
        this.version = request.protocolVersion();
        this.uri = request.uri();
        this.headers = request.headers();
        this.keepAlive = HttpUtil.isKeepAlive(request);
        ByteBuf content = request.content();
        this.bodyBytes = content.readableBytes();
        this.body = bodyBytes == 0 ? "" : content.toString(StandardCharsets.UTF_8);
    }

    /** Copies what is needed from {@code request}; the caller still owns and releases it. */
    public static SockJsRequest of(FullHttpRequest request) {
        return new SockJsRequest(request);
    }

    /** Runs {@code action} once if the request is answered 404 ({@link #notFound}); for the router's budgets. */
    public void whenNotFound(Runnable action) {
        this.notFound = action;
    }

    /** The request is being answered 404: what {@link #whenNotFound} asked for runs, once. */
    public void notFound() {
        Runnable action = notFound;
        notFound = null;
        if (action != null) {
            action.run();
        }
    }

    /** When the node read the request (ms since the epoch), before anything it waited for. */
    public long receivedAtNanos() {
        return receivedAtNanos;
    }

    public HttpMethod method() {
        return method;
    }

    public HttpVersion version() {
        return version;
    }

    public String uri() {
        return uri;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public String header(CharSequence name) {
        return headers.get(name);
    }

    /** Whether the connection stays open after the response, by the request's HTTP version rules. */
    public boolean keepAlive() {
        return keepAlive;
    }

    public boolean isHttp10() {
        return version.minorVersion() == 0 && version.majorVersion() == 1;
    }

    /** The body as UTF-8 text, {@code ""} if none. */
    public String body() {
        return body;
    }

    public int bodyBytes() {
        return bodyBytes;
    }

    /** The path without query, still percent-encoded. */
    public String rawPath() {
        return query().rawPath();
    }

    /** The first value of a query parameter, percent-decoded, or {@code null}. */
    public String queryParameter(String name) {
        List<String> values = query().parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String contentType() {
        return headers.get(HttpHeaderNames.CONTENT_TYPE);
    }

    /** A body-less copy of the request, for a websocket handshaker. */
    public FullHttpRequest toHandshakeRequest() {
        return new DefaultFullHttpRequest(version, method, uri, io.netty.buffer.Unpooled.EMPTY_BUFFER,
                headers, io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    }

    private QueryStringDecoder query() {
        if (query == null) {
            query = new QueryStringDecoder(uri);
        }
        return query;
    }
}

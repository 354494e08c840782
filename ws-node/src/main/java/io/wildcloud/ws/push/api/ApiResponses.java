package io.wildcloud.ws.push.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.wildcloud.ws.edge.CompactHttpHeaders;

/** Builds the API's complete JSON responses, with the connection header the keep-alive needs. */
final class ApiResponses {

    static final String CONTENT_TYPE = "application/json; charset=UTF-8";

    /** Content lengths written once: a publish's answer would otherwise make the digits anew each time. */
    private static final AsciiString[] LENGTHS = new AsciiString[512];

    static {
        for (int i = 0; i < LENGTHS.length; i++) {
            LENGTHS[i] = AsciiString.cached(Integer.toString(i));
        }
    }

    private ApiResponses() {
    }

    /**
     * A response carrying {@code reply}. For HTTP/1.1 a kept-alive connection needs no header; for
     * HTTP/1.0 it needs {@code Connection: keep-alive}; a connection about to close says so. The
     * caller owns the returned buffer until it writes it.
     */
    static FullHttpResponse build(ByteBufAllocator alloc, HttpVersion version, ApiReply reply, boolean keepAlive) {
        ByteBuf content = ByteBufUtil.writeUtf8(alloc, reply.json());
        // No trailers: the body has a length, so the encoder never writes them, and each publish
        // would otherwise allocate a second, empty header table for them.
        FullHttpResponse response = new DefaultFullHttpResponse(version, reply.status(), content,
                CompactHttpHeaders.forResponse(), EmptyHttpHeaders.INSTANCE);
        int length = content.readableBytes();
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .set(HttpHeaderNames.CONTENT_LENGTH, length < LENGTHS.length ? LENGTHS[length] : Integer.toString(length))
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (reply.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, reply.allow());
        }
        if (reply.wwwAuthenticate() != null) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, reply.wwwAuthenticate());
        }
        if (reply.retryAfter() != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, reply.retryAfter());
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!version.isKeepAliveDefault()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }
}

package io.wildcloud.ws.sockjs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientScriptHandlerTest {

    private final EmbeddedChannel ch = new EmbeddedChannel(new ClientScriptHandler());

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    }

    @Test
    void servesTheWebjarScriptWithLongCachingAndEtag() {
        ch.writeInbound(get("/sockjs-client/sockjs.min.js"));
        FullHttpResponse response = ch.readOutbound();
        try {
            assertEquals(200, response.status().code());
            assertEquals("application/javascript;charset=UTF-8", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertEquals("public, max-age=31536000", response.headers().get(HttpHeaderNames.CACHE_CONTROL));
            String script = response.content().toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(script.startsWith("/* sockjs-client v1.6.1"), script.substring(0, 40));
            assertEquals(String.valueOf(response.content().readableBytes()),
                    response.headers().get(HttpHeaderNames.CONTENT_LENGTH));
            String etag = response.headers().get(HttpHeaderNames.ETAG);
            FullHttpRequest again = get("/sockjs-client/sockjs.min.js");
            again.headers().set(HttpHeaderNames.IF_NONE_MATCH, etag);
            ch.writeInbound(again);
            FullHttpResponse notModified = ch.readOutbound();
            assertEquals(304, notModified.status().code());
            assertEquals(0, notModified.content().readableBytes());
            assertNull(notModified.headers().get(HttpHeaderNames.CONTENT_TYPE));
            notModified.release();
        } finally {
            response.release();
        }
    }

    @Test
    void unknownFileUnderTheScriptPathIs404() {
        ch.writeInbound(get("/sockjs-client/other.js"));
        FullHttpResponse response = ch.readOutbound();
        assertEquals(404, response.status().code());
        response.release();
    }

    @Test
    void passesOtherRequestsOn() {
        FullHttpRequest request = get("/echo/info");
        ch.writeInbound(request);
        FullHttpRequest passed = ch.readInbound();
        assertSame(request, passed);
        assertEquals(1, passed.refCnt());
        passed.release();
    }
}

package io.wildcloud.ws.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import org.junit.jupiter.api.Test;

class TransportTypeTest {

    @Test
    void pathsMapToTransports() {
        assertEquals(TransportType.XHR, TransportType.byPath("xhr"));
        assertEquals(TransportType.JSONP_SEND, TransportType.byPath("jsonp_send"));
        assertNull(TransportType.byPath("XHR"));
        assertNull(TransportType.byPath(""));
    }

    @Test
    void wireFacts() {
        assertEquals(HttpMethod.POST, TransportType.XHR_STREAMING.method());
        assertEquals(HttpMethod.GET, TransportType.EVENTSOURCE.method());
        assertEquals("OPTIONS, POST", TransportType.XHR_SEND.allowHeader());
        assertEquals("GET", TransportType.WEBSOCKET.allowHeader());
        assertEquals(TransportType.Role.STREAMING, TransportType.HTMLFILE.role());
        assertEquals(TransportType.Role.SENDING, TransportType.XHR_SEND.role());
        assertFalse(TransportType.JSONP.cors());
    }

    @Test
    void responseHeadersOfEachTransport() {
        SockJsOptions withCookie = SockJsOptions.defaults().withCookieNeeded(true);
        HttpHeaders eventsource = headersOf(TransportType.EVENTSOURCE, withCookie, "https://a.example");
        assertEquals("text/event-stream", eventsource.get(HttpHeaderNames.CONTENT_TYPE));
        assertEquals("JSESSIONID=dummy; path=/", eventsource.get(HttpHeaderNames.SET_COOKIE));
        assertNull(eventsource.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN), "no CORS beyond the XHR transports");
        HttpHeaders xhr = headersOf(TransportType.XHR, SockJsOptions.defaults().withCookieNeeded(false), "https://a.example");
        assertEquals("https://a.example", xhr.get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN));
        assertNull(xhr.get(HttpHeaderNames.SET_COOKIE), "no JSESSIONID unless the endpoint asks for it");
        assertEquals(SockJsResponses.NO_CACHE, xhr.get(HttpHeaderNames.CACHE_CONTROL));
    }

    private static HttpHeaders headersOf(TransportType type, SockJsOptions options, String origin) {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, type.method(), "/a/b/c");
        request.headers().set(HttpHeaderNames.ORIGIN, origin);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        try {
            SockJsResponses.transportHeaders(response, type, SockJsRequest.of(request), options);
        } finally {
            request.release();
        }
        return response.headers();
    }
}

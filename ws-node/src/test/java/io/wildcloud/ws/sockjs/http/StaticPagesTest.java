package io.wildcloud.ws.sockjs.http;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.sockjs.testmode.HttpText;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StaticPagesTest {

    private final SockJsChannels channels = new SockJsChannels();
    private final EmbeddedChannel ch = channels.open();

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        channels.close();
    }

    @Test
    void greetingIsExact() {
        String expected = "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 19\r\n\r\n"
                + "Welcome to SockJS!\n";
        assertEquals(expected, exchange(ch, get("/echo")));
        assertEquals(expected, exchange(ch, get("/echo/")));
        assertTrue(ch.isOpen(), "HTTP/1.1 keeps the connection");
    }

    @Test
    void http10KeepAliveGetsLengthAndKeepAlive() {
        String response = exchange(ch, "GET /echo HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        assertEquals("HTTP/1.0 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 19\r\n"
                + "connection: keep-alive\r\n\r\nWelcome to SockJS!\n", response);
        assertTrue(ch.isOpen());
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() {
        String response = exchange(ch, "GET /echo HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.0 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 19\r\n\r\n"
                + "Welcome to SockJS!\n", response);
        assertFalse(ch.isOpen());
    }

    @Test
    void unknownPathsAndPrefixesAre404() {
        for (String path : new String[] {"/echo/a", "/echo/a.html", "/echo//", "/echo/a/a", "/echo/a/a/", "/nope",
                "/nope/info", "/echo/iframe.HTML", "/echo/a./a/xhr"}) {
            HttpText response = HttpText.parse(exchange(ch, get(path)));
            assertEquals(404, response.status(), path);
        }
    }

    @Test
    void infoIsJsonNotCachedWithCors() {
        HttpText response = HttpText.parse(exchange(ch, get("/echo/info", "Origin: test")));
        assertEquals(200, response.status());
        assertEquals("application/json;charset=UTF-8", response.header("content-type"));
        assertEquals(SockJsResponses.NO_CACHE, response.header("cache-control"));
        assertEquals("test", response.header("access-control-allow-origin"));
        assertEquals("true", response.header("access-control-allow-credentials"));
        assertNull(response.header("set-cookie"));
        assertNull(response.header("expires"));
        Matcher body = Pattern.compile("\\{\"websocket\":true,\"cookie_needed\":false,\"origins\":\\[\"\\*:\\*\"\\],"
                + "\"entropy\":(\\d+)\\}").matcher(response.body());
        assertTrue(body.matches(), response.body());
        assertTrue(Long.parseLong(body.group(1)) < (1L << 32));
        String second = HttpText.parse(exchange(ch, get("/echo/info"))).body();
        assertNotEquals(response.body(), second, "entropy differs per call");
    }

    @Test
    void infoTellsEndpointOptions() {
        assertTrue(HttpText.parse(exchange(ch, get("/disabled_websocket_echo/info"))).body()
                .startsWith("{\"websocket\":false,\"cookie_needed\":false,"));
        HttpText cookie = HttpText.parse(exchange(ch, get("/cookie_needed_echo/info")));
        assertTrue(cookie.body().startsWith("{\"websocket\":true,\"cookie_needed\":true,"));
        assertNull(cookie.header("set-cookie"));
    }

    @Test
    void infoPreflightEchoesOriginEvenNull() {
        for (String origin : new String[] {"test", "null"}) {
            HttpText response = HttpText.parse(exchange(ch, options("/echo/info",
                    "Origin: " + origin, "Access-Control-Request-Method: OPTIONS, GET")));
            assertEquals(204, response.status());
            assertEquals("public, max-age=31536000", response.header("cache-control"));
            assertTrue(response.header("expires").endsWith("GMT"));
            assertEquals("31536000", response.header("access-control-max-age"));
            assertEquals("OPTIONS, GET", response.header("access-control-allow-methods"));
            assertEquals(origin, response.header("access-control-allow-origin"));
            assertEquals("true", response.header("access-control-allow-credentials"));
            assertEquals("", response.body());
        }
    }

    @Test
    void iframeIsCacheableAndRevalidatedByEtag() {
        HttpText page = HttpText.parse(exchange(ch, get("/echo/iframe-0.1.2.html?t=123")));
        assertEquals(200, page.status());
        assertEquals("text/html;charset=UTF-8", page.header("content-type"));
        assertEquals("public, max-age=31536000", page.header("cache-control"));
        assertTrue(page.header("expires").endsWith("GMT"));
        assertNull(page.header("last-modified"));
        assertNull(page.header("set-cookie"));
        assertTrue(page.body().startsWith("<!DOCTYPE html>\n<html>\n<head>\n"), page.body());
        assertTrue(page.body().contains("  <script src=\"/sockjs-client/sockjs.min.js\"></script>\n"));
        assertTrue(page.body().contains("    SockJS.bootstrap_iframe();\n"));
        assertTrue(page.body().endsWith("</body>\n</html>"));
        String etag = page.header("etag");
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
        assertEquals(etag, HttpText.parse(exchange(ch, get("/echo/iframe.html"))).header("etag"));

        HttpText notModified = HttpText.parse(exchange(ch, get("/echo/iframe.html", "If-None-Match: " + etag)));
        assertEquals(304, notModified.status());
        assertNull(notModified.header("content-type"));
        assertEquals("", notModified.body());
    }

    @Test
    void otherMethodsOnPagesAre405WithAllow() {
        HttpText response = HttpText.parse(exchange(ch, SockJsChannels.post("/echo/info", "")));
        assertEquals(405, response.status());
        assertEquals("OPTIONS, GET", response.header("allow"));
        assertNull(response.header("content-type"));
        assertEquals("0", response.header("content-length"));
    }
}

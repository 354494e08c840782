package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.sockjs.testmode.HttpText;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonpTransportTest {

    private static final String NO_CACHE = "cache-control: no-store, no-cache, no-transform, must-revalidate, max-age=0\r\n";
    private static final String FORM = "Content-Type: application/x-www-form-urlencoded";

    private final SockJsChannels channels = new SockJsChannels();
    private final EmbeddedChannel ch = channels.open();

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        channels.close();
    }

    private static String script(String body) {
        return "HTTP/1.1 200 OK\r\ncontent-type: application/javascript;charset=UTF-8\r\n" + NO_CACHE
                + "content-length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void framesAreCallbackCallsWithJsonStrings() {
        assertEquals(script("/**/callback(\"o\");\r\n"), exchange(ch, get("/echo/000/s1/jsonp?c=%63allback")));
        assertEquals("HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\n" + NO_CACHE
                + "content-length: 2\r\n\r\nok", exchange(ch, post("/echo/000/s1/jsonp_send", "d=%5B%22x%22%5D", FORM)));
        exchange(ch, post("/echo/000/s1/jsonp_send", "[\"%61bc\"]", "Content-Type: text/plain"));
        assertEquals(script("/**/callback(\"a[\\\"x\\\",\\\"%61bc\\\"]\");\r\n"),
                exchange(ch, get("/echo/000/s1/jsonp?c=callback")));
    }

    @Test
    void sendErrors() {
        exchange(ch, get("/echo/000/s1/jsonp?c=x"));
        HttpText broken = HttpText.parse(exchange(ch, post("/echo/000/s1/jsonp_send", "d=%5B%22x", FORM)));
        assertEquals(500, broken.status());
        assertEquals("Broken JSON encoding.", broken.body());
        for (String body : new String[] {"", "d=", "p=p"}) {
            HttpText missing = HttpText.parse(exchange(ch, post("/echo/000/s1/jsonp_send", body, FORM)));
            assertEquals(500, missing.status(), body);
            assertEquals("Payload expected.", missing.body());
        }
        assertEquals("ok", HttpText.parse(exchange(ch, post("/echo/000/s1/jsonp_send", "d=%5B%5D", FORM))).body());
        assertEquals(404, HttpText.parse(exchange(ch, post("/echo/000/nobody/jsonp_send", "d=%5B%5D", FORM))).status());
    }

    @Test
    void jsessionIdOnEveryHttpTransportOfACookieEndpoint() {
        String[] requests = {get("/cookie_needed_echo/000/s1/jsonp?c=cb"),
                post("/cookie_needed_echo/000/s1/jsonp_send", "d=%5B%22x%22%5D", FORM),
                post("/cookie_needed_echo/000/s2/xhr_streaming", ""),
                get("/cookie_needed_echo/000/s3/eventsource")};
        for (String request : requests) {
            EmbeddedChannel channel = channels.open();
            HttpText response = HttpText.parse(exchange(channel, request));
            assertEquals("JSESSIONID=dummy; path=/", response.header("set-cookie"), request);
            channel.close();
            SockJsChannels.read(channel);
            assertFalse(channel.finish());
        }
    }

    @Test
    void closeFrameIsRepeated() {
        assertEquals(script("/**/x(\"o\");\r\n"), exchange(ch, get("/close/000/s1/jsonp?c=x")));
        String closed = script("/**/x(\"c[3000,\\\"Go away!\\\"]\");\r\n");
        assertEquals(closed, exchange(ch, get("/close/000/s1/jsonp?c=x")));
        assertEquals(closed, exchange(ch, get("/close/000/s1/jsonp?c=x")));
    }
}

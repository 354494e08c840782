package io.wildcloud.ws.sockjs.http;

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

/** Bad input gets the protocol's own error (or a 4xx) and never a hanging request. */
class MalformedRequestsTest {

    private final SockJsChannels channels = new SockJsChannels();
    private final EmbeddedChannel ch = channels.open();

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        channels.close();
    }

    private HttpText answer(String request) {
        return HttpText.parse(exchange(ch, request));
    }

    @Test
    void badPercentEscapeInCallbackIsAnInvalidCallback() {
        HttpText response = answer(get("/echo/000/s1/jsonp?c=%zz"));
        assertEquals(500, response.status());
        assertEquals("invalid \"callback\" parameter", response.body());
        assertEquals("invalid \"callback\" parameter", answer(get("/echo/000/s1/htmlfile?c=a%ff")).body());
    }

    @Test
    void badPercentEscapeInFormIsAMissingPayload() {
        exchange(ch, get("/echo/000/s1/jsonp?c=x"));
        HttpText response = answer(post("/echo/000/s1/jsonp_send", "d=%z",
                "Content-Type: application/x-www-form-urlencoded"));
        assertEquals(500, response.status());
        assertEquals("Payload expected.", response.body());
    }

    @Test
    void undecodablePathsAre404() {
        assertEquals(404, answer(get("/echo/%zz/info")).status());
        assertEquals(404, answer(get("%%%")).status());
    }

    @Test
    void invalidUtf8BodyIsBrokenJson() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        SockJsChannels.send(ch, "POST /echo/000/s1/xhr_send HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n");
        ch.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xfe, '['}));
        HttpText response = HttpText.parse(SockJsChannels.read(ch));
        assertEquals(500, response.status());
        assertEquals("Broken JSON encoding.", response.body());
    }

    @Test
    void websocketWithoutVersionIsRefusedNotLeftWaiting() {
        HttpText response = answer(get("/echo/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade"));
        assertEquals(426, response.status());
        assertEquals("13", response.header("sec-websocket-version"));
    }

    @Test
    void garbageIs400() {
        String response = exchange(ch, "GARBAGE\r\n\r\n");
        assertEquals(400, HttpText.parse(response).status());
    }
}

package io.wildcloud.ws.sockjs.http;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.options;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.sockjs.AllowedOrigins;
import io.wildcloud.ws.sockjs.PeerPolicy;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.testmode.HttpText;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With {@code allowed-origins} set, pages of other origins get 403 on every SockJS path. */
class OriginPolicyTest {

    private static final String FOREIGN = "Origin: https://evil.example";
    private static final String FORBIDDEN_BODY = "{\"error\":\"origin_not_allowed\",\"message\":\"Pages of this origin"
            + " may not use this service; its operator lists the allowed ones in the setting allowed-origins.\"}";

    private final SockJsChannels channels = new SockJsChannels(SockJsOptions.defaults(),
            new PeerPolicy(PeerPolicy.DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND,
                    AllowedOrigins.of(List.of("https://app.example", "https://*.example.com"))));
    private final EmbeddedChannel ch = channels.open();

    @AfterEach
    void finish() {
        ch.close();
        ch.finishAndReleaseAll();
        channels.close();
    }

    @Test
    void foreignOriginsGet403OnEveryPathWithoutCors() {
        String[] requests = {
            get("/echo/info", FOREIGN),
            options("/echo/info", FOREIGN, "Access-Control-Request-Method: GET"),
            options("/echo/000/s1/xhr_send", FOREIGN, "Access-Control-Request-Method: POST"),
            post("/echo/000/s1/xhr", "", FOREIGN),
            post("/echo/000/s1/xhr_send", "[\"x\"]", FOREIGN, "Content-Type: text/plain"),
            get("/echo/000/s1/eventsource", FOREIGN),
            get("/echo/iframe.html", FOREIGN),
            get("/echo/000/s1/websocket", FOREIGN, "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"),
            get("/echo/websocket", FOREIGN, "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"),
            get("/echo/000/s1/xhr_streaming", "Origin: null"),
        };
        for (String request : requests) {
            HttpText response = HttpText.parse(exchange(ch, request));
            String line = request.substring(0, request.indexOf('\r'));
            assertEquals(403, response.status(), line);
            assertEquals("application/json;charset=UTF-8", response.header("content-type"), line);
            assertEquals(FORBIDDEN_BODY, response.body(), line);
            assertNull(response.header("access-control-allow-origin"), line);
            assertNull(response.header("access-control-allow-credentials"), line);
        }
        assertFalse(channels.store().status(new io.wildcloud.ws.sockjs.session.SessionKey("echo", "s1"))
                .toCompletableFuture().join() != io.wildcloud.ws.sockjs.session.SessionStatus.NOT_FOUND,
                "no session was opened for a foreign page");
    }

    @Test
    void allowedOriginsAreServedWithCorsAndInfoListsThem() {
        for (String origin : new String[] {"https://app.example", "https://chat.example.com"}) {
            HttpText info = HttpText.parse(exchange(ch, get("/echo/info", "Origin: " + origin)));
            assertEquals(200, info.status(), origin);
            assertEquals(origin, info.header("access-control-allow-origin"));
            assertEquals("true", info.header("access-control-allow-credentials"));
            assertTrue(info.body().contains(",\"origins\":[\"https://app.example\",\"https://*.example.com\"],"),
                    info.body());
        }
        HttpText open = HttpText.parse(exchange(ch, post("/echo/000/s2/xhr", "", "Origin: https://app.example")));
        assertEquals(200, open.status());
        assertEquals("o\n", open.body());
    }

    @Test
    void requestsWithoutAnOriginAreServed() {
        HttpText info = HttpText.parse(exchange(ch, get("/echo/info")));
        assertEquals(200, info.status());
        assertEquals("*", info.header("access-control-allow-origin"));
        assertEquals(200, HttpText.parse(exchange(ch, get("/echo/iframe.html"))).status());
    }
}

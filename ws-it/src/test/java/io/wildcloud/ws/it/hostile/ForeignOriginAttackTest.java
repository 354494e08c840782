package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, row 9: a page of a foreign origin, with the user's cookies, on every SockJS path and the
 * websocket. On main its origin was reflected with {@code Access-Control-Allow-Credentials: true}
 * everywhere; with {@code allowed-origins} set it gets 403, and the allowed origin is served as before.
 */
class ForeignOriginAttackTest {

    private static final String ALLOWED = "https://app.example";
    private static final String EVIL = "https://evil.example";
    private static HostileNode node;
    private static String socket;

    @BeforeAll
    static void start() {
        node = HostileNode.start("foreign-origin", "--allowed-origins=" + ALLOWED + ",https://*.app.example");
        socket = node.authorize("victim");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void foreignOriginIsRefusedOnEveryPathAndTheWebsocket() throws Exception {
        Http http = new Http(Duration.ofSeconds(5));
        String base = node.publicUrl() + "/" + socket;
        long logBefore = node.logBytes();
        node.assertSurvives(Duration.ofSeconds(1), () -> {
            for (int round = 0; round < 20; round++) {
                String session = "/000/evil" + round;
                RawResponse[] answers = {
                    http.get(base + "/info", "Origin", EVIL, "Cookie", "JSESSIONID=victim"),
                    http.options(base + "/info", "Origin", EVIL, "Access-Control-Request-Method", "GET"),
                    http.options(base + session + "/xhr_send", "Origin", EVIL, "Access-Control-Request-Method", "POST"),
                    http.post(base + session + "/xhr", "", "Origin", EVIL, "Cookie", "JSESSIONID=victim"),
                    http.post(base + session + "/xhr_send", "[\"forged\"]", "Origin", EVIL, "Content-Type", "text/plain"),
                    http.get(base + "/iframe.html", "Origin", EVIL),
                    http.get(base + session + "/eventsource", "Origin", EVIL),
                };
                for (RawResponse answer : answers) {
                    assertRefused(answer.status(), answer.bodyText(), answer.header("access-control-allow-origin"),
                            answer.header("access-control-allow-credentials"));
                }
                for (String path : new String[] {"/" + socket + "/websocket", "/" + socket + session + "/websocket"}) {
                    String head = RawWebSocket.refusedHandshake(node.node().publicPort(), path, EVIL);
                    assertTrue(head.startsWith("HTTP/1.1 403 "), head);
                    assertTrue(!head.toLowerCase().contains("access-control-allow-origin"), head);
                }
            }
        });
        assertTrue(node.logBytes() - logBefore < 16 * 1024, "log grew by " + (node.logBytes() - logBefore));
    }

    @Test
    void allowedOriginsAreServedAndInfoNamesThem() throws Exception {
        Http http = new Http(Duration.ofSeconds(5));
        String base = node.publicUrl() + "/" + socket;
        for (String origin : new String[] {ALLOWED, "https://eu.app.example"}) {
            RawResponse info = http.get(base + "/info", "Origin", origin);
            assertEquals(200, info.status());
            assertEquals(origin, info.header("access-control-allow-origin"));
            assertEquals("true", info.header("access-control-allow-credentials"));
            assertTrue(info.bodyText().contains("\"origins\":[\"https://app.example\",\"https://*.app.example\"]"),
                    info.bodyText());
            RawResponse open = http.post(base + "/000/ok" + origin.length() + "/xhr", "", "Origin", origin);
            assertEquals("o\n", open.bodyText());
            assertEquals(origin, open.header("access-control-allow-origin"));
        }
        try (RawWebSocket ws = RawWebSocket.open(node.node().publicPort(), "/" + socket + "/000/okws/websocket",
                ALLOWED, 64 * 1024)) {
            assertEquals("o", ws.read().text());
        }
        // Programs send no Origin: they are no browser page riding on a user's cookies.
        node.assertNormalSessionsWork("without an Origin header");
    }

    private static void assertRefused(int status, String body, String allowOrigin, String allowCredentials) {
        assertEquals(403, status, body);
        assertEquals("{\"error\":\"origin_not_allowed\",\"message\":\"Pages of this origin may not use this service;"
                + " its operator lists the allowed ones in the setting allowed-origins.\"}", body);
        assertNull(allowOrigin);
        assertNull(allowCredentials);
    }
}

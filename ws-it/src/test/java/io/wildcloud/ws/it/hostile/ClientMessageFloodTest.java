package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.hostile.HostileCallbackServer.Behaviour;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import java.time.Duration;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An anonymous browser with a socket id turns each 64 KiB SockJS frame into one callback per
 * message: {@code [0,0,...]} is 32,000 callbacks to the tenant's application. Through the node's
 * jar with its default settings: the frame is refused whole, the client gets a close frame that
 * names the limit, and the refusal is counted. On the code before the fix the node answered the
 * flood with a callback per message.
 */
class ClientMessageFloodTest {

    private static final String CLOSE_FRAME = "c[4429,\"Too many messages: at most 100 a second, 500 at once\"]";
    /** 64,001 bytes: under max-message-bytes (65,536), so only the message limit can stop it. */
    private static final String FLOOD = "[" + String.join(",", Collections.nCopies(32_000, "0")) + "]";

    private HostileCallbackServer application;
    private HostileNode node;

    @AfterEach
    void stop() {
        if (application != null) {
            application.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aFloodFrameOverWebsocketAndXhrSendReachesNoCallbackAndClosesItsSession() throws Exception {
        node = HostileNode.start("client-flood", "--callback-allow-networks=" + HostileNode.ATTACKER + "/32");
        application = HostileCallbackServer.start(HostileNode.ATTACKER, Behaviour.OK);
        Http http = new Http(Duration.ofSeconds(20));
        String socket = authorize(http);

        try (WsClient ws = WsClient.connect(node.publicUrl() + "/" + socket + "/000/flood-ws/websocket",
                Duration.ofSeconds(5))) {
            assertEquals("o", ws.nextText());
            ws.send(FLOOD);
            assertEquals(CLOSE_FRAME, ws.nextText(), "after " + application.requests() + " callbacks");
            assertInstanceOf(WsClient.Closed.class, ws.awaitEnd());
        }

        String session = node.publicUrl() + "/" + socket + "/000/flood-xhr";
        assertEquals("o\n", http.post(session + "/xhr").bodyText());
        RawResponse sent = http.post(session + "/xhr_send", FLOOD, "Content-Type", "text/plain");
        assertEquals(429, sent.status(), "after " + application.requests() + " callbacks: " + sent.bodyText());
        assertTrue(sent.bodyText().contains("too_many_messages"), sent.bodyText());
        assertEquals(CLOSE_FRAME + "\n", http.post(session + "/xhr").bodyText());

        String metrics = http.get(node.apiUrl() + "/metrics").bodyText();
        assertEquals(64_000.0, value(metrics, "ws_messages_in_refused_total"), metrics);
        assertEquals(0, application.requests(), "callbacks");
        node.assertNormalSessionsWork("after the floods");
    }

    private String authorize(Http http) {
        RawResponse answer = http.post(node.apiUrl() + "/authorize/" + HostileNode.DEMO_SECRET + "/flooder",
                "{\"callback\": \"" + application.url() + "\"}");
        assertEquals(200, answer.status(), answer.bodyText());
        Matcher id = Pattern.compile("\"socket_id\":\"([^\"]+)\"").matcher(answer.bodyText());
        assertTrue(id.find(), answer.bodyText());
        return id.group(1);
    }

    /** A series' value in Prometheus text; 0 when absent. */
    private static double value(String metrics, String name) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(2)) : 0;
    }
}

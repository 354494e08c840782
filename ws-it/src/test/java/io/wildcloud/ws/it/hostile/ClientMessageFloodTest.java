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
 * message: {@code [0,0,...]} is 32,000 callbacks to the tenant's application; and frames of one
 * 60 KB message each, sent without pause, into megabytes a second of callbacks. Through the node's
 * jar with its default settings: the frame is refused whole, the client gets a close frame that
 * names the limit, and the refusal is counted. On the code before the fix the node answered the
 * flood with a callback per message.
 */
class ClientMessageFloodTest {

    private static final String CLOSE_FRAME = "c[4429,\"Too many messages: at most 100 a second, 500 at once\"]";
    /** 64,001 bytes: under max-message-bytes (65,536), so only the message limit can stop it. */
    private static final String FLOOD = "[" + String.join(",", Collections.nCopies(32_000, "0")) + "]";
    private static final String BYTES_CLOSE_FRAME = "c[4429,\"Too many bytes: at most 65536 a second, 262144 at once\"]";
    /** One message in a frame of 60,004 bytes. */
    private static final String LARGE = "[\"" + "x".repeat(60_000) + "\"]";

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
    void aFloodFrameOverWebsocketAndXhrSendReachesNoCallbackAndLargeSendsStopAtTheByteBudget() throws Exception {
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
        assertEquals(64_000.0, value(metrics, "ws_messages_in_refused_total", "reason=\"messages\""), metrics);
        assertEquals(0, application.requests(), "callbacks");

        // Few messages, but 60 KB each: the byte budget (262,144 at once, 65,536 a second) takes four or so.
        String bytes = node.publicUrl() + "/" + socket + "/000/flood-bytes";
        assertEquals("o\n", http.post(bytes + "/xhr").bodyText());
        int taken = 0;
        RawResponse large = http.post(bytes + "/xhr_send", LARGE, "Content-Type", "text/plain");
        while (large.status() == 204 && taken < 20) {
            taken++;
            large = http.post(bytes + "/xhr_send", LARGE, "Content-Type", "text/plain");
        }
        assertEquals(429, large.status(), "after " + taken + " sends taken: " + large.bodyText());
        assertTrue(large.bodyText().contains("too_many_bytes"), large.bodyText());
        assertTrue(taken >= 4 && taken < 20, taken + " sends taken");
        assertEquals(BYTES_CLOSE_FRAME + "\n", http.post(bytes + "/xhr").bodyText());
        assertEquals(taken, application.requests(), "callbacks: the sends taken, one each");
        metrics = http.get(node.apiUrl() + "/metrics").bodyText();
        assertEquals(1.0, value(metrics, "ws_messages_in_refused_total", "reason=\"bytes\""), metrics);
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

    /** The value of the series of {@code name} whose labels include {@code label}, in Prometheus text; 0 when absent. */
    private static double value(String metrics, String name, String label) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$")
                .matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }
}

package io.wildcloud.ws.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.node.config.NodeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions whose requests go to a chosen node each time, never the same one twice in a row: the
 * receiver on one node, the sends on the others, each reopened stream or poll somewhere else. Three
 * in-process nodes in protocol-test mode (the echo service) on one Redis, addressed directly.
 */
class CrossNodeTransportTest {

    private static final String PRELUDE = "h".repeat(2048) + "\n";
    private static InProcessCluster cluster;
    private final Http http = new Http(Duration.ofSeconds(2));
    private final String sessionPath = "/000/" + UUID.randomUUID();

    @BeforeAll
    static void startCluster() throws InterruptedException {
        cluster = InProcessCluster.start(3, NodeConfig.Mode.PROTOCOL_TEST, Map.of());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The session's URL on node {@code node} of the {@code service}, ending in {@code transport}. */
    private String url(int node, String service, String transport) {
        return cluster.publicUrl(node % 3) + "/" + service + sessionPath + "/" + transport;
    }

    private String echo(int node, String transport) {
        return url(node, "echo", transport);
    }

    private void send(int node, String json) {
        RawResponse response = http.post(echo(node, "xhr_send"), json);
        assertEquals(204, response.status(), () -> "xhr_send on node " + node + ":\n" + response);
    }

    @Test
    void xhrPollingWithEverySendAndPollOnAnotherNode() {
        assertEquals("o\n", http.post(echo(0, "xhr")).bodyText());
        for (int round = 0; round < 9; round++) {
            send(round + 1, "[\"m" + round + "\"]");
            RawResponse poll = http.post(echo(round + 2, "xhr"));
            assertEquals(200, poll.status());
            assertEquals("a[\"m" + round + "\"]\n", poll.bodyText(), "round " + round);
        }
    }

    @Test
    void sendsFromEveryNodeArriveInTheOrderSent() {
        assertEquals("o\n", http.post(echo(0, "xhr")).bodyText());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add("m" + i);
            send(i, "[\"m" + i + "\"]");
        }
        List<String> received = new ArrayList<>();
        for (int poll = 0; poll < 30 && received.size() < sent.size(); poll++) {
            String body = http.post(echo(poll + 1, "xhr")).bodyText();
            assertTrue(body.startsWith("a[") && body.endsWith("]\n"), body);
            for (String message : body.substring(2, body.length() - 2).split(",")) {
                received.add(message.replace("\"", ""));
            }
        }
        assertEquals(sent, received);
    }

    @Test
    void heldPollOnOneNodeIsAnsweredBySendOnAnother() {
        assertEquals("o\n", http.post(echo(0, "xhr")).bodyText());
        try (RawHttp held = http.sendOnly("POST", echo(1, "xhr"))) {
            send(2, "[\"wake\"]");
            RawResponse answer = held.readResponse("POST");
            assertEquals(200, answer.status());
            assertEquals("a[\"wake\"]\n", answer.bodyText());
        }
    }

    @Test
    void xhrStreamCarriesSendsFromOtherNodesAndTheNextStreamGoesOnElsewhere() {
        try (Http.Stream stream = http.open("POST", echo(0, "xhr_streaming"))) {
            assertEquals(PRELUDE, stream.nextChunk());
            assertEquals("o\n", stream.nextChunk());
            for (int i = 0; i < 6; i++) {
                send(1 + i % 2, "[\"s" + i + "\"]");
                assertEquals("a[\"s" + i + "\"]\n", stream.nextChunk());
            }
            // Past the 4096-byte response limit the stream ends; the client opens the next one.
            String big = "x".repeat(4096);
            send(2, "[\"" + big + "\"]");
            assertEquals("a[\"" + big + "\"]\n", stream.nextChunk());
            assertEquals("", stream.nextChunk());
        }
        send(2, "[\"after\"]");
        try (Http.Stream next = http.open("POST", echo(1, "xhr_streaming"))) {
            assertEquals(PRELUDE, next.nextChunk());
            assertEquals("a[\"after\"]\n", next.nextChunk());
        }
    }

    @Test
    void eventSourceOnOneNodeReceivesSendsFromTheOthers() {
        try (Http.Stream stream = http.open("GET", echo(2, "eventsource"))) {
            assertEquals("\r\n", stream.nextChunk());
            assertEquals("data: o\r\n\r\n", stream.nextChunk());
            for (int i = 0; i < 4; i++) {
                send(i % 2, "[\"e" + i + "\"]");
                assertEquals("data: a[\"e" + i + "\"]\r\n\r\n", stream.nextChunk());
            }
        }
    }

    @Test
    void htmlFileOnOneNodeReceivesSendsFromTheOthers() {
        try (Http.Stream stream = http.open("GET", echo(1, "htmlfile") + "?c=cb")) {
            assertTrue(stream.nextChunk().contains("parent.cb"));
            assertEquals("<script>\np(\"o\");\n</script>\r\n", stream.nextChunk());
            for (int i = 0; i < 4; i++) {
                send(i % 2 == 0 ? 0 : 2, "[\"f" + i + "\"]");
                assertEquals("<script>\np(\"a[\\\"f" + i + "\\\"]\");\n</script>\r\n", stream.nextChunk());
            }
        }
    }

    @Test
    void jsonpPollAndSendRotateOverTheNodes() {
        assertEquals("/**/cb(\"o\");\r\n", http.get(echo(0, "jsonp") + "?c=cb").bodyText());
        for (int round = 0; round < 6; round++) {
            RawResponse sent = http.post(echo(round + 1, "jsonp_send"), "d=%5B%22j" + round + "%22%5D",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals("ok", sent.bodyText());
            assertEquals("/**/cb(\"a[\\\"j" + round + "\\\"]\");\r\n",
                    http.get(echo(round + 2, "jsonp") + "?c=cb").bodyText(), "round " + round);
        }
    }

    @Test
    void closedSessionAnswersItsCloseFrameOnEveryNode() {
        assertEquals("o\n", http.post(url(0, "close", "xhr")).bodyText());
        for (int node = 1; node <= 3; node++) {
            assertEquals("c[3000,\"Go away!\"]\n", http.post(url(node, "close", "xhr")).bodyText(), "node " + node % 3);
        }
    }

    @Test
    void secondReceiverOnAnotherNodeIsRefusedWhileTheFirstHolds() throws InterruptedException {
        assertEquals("o\n", http.post(echo(0, "xhr")).bodyText());
        int before = OpenConnections.of(http, cluster.apiUrl(1), "xhr");
        try (RawHttp held = http.sendOnly("POST", echo(1, "xhr"))) {
            OpenConnections.awaitMoreThan(http, cluster.apiUrl(1), "xhr", before);
            assertEquals("c[2010,\"Another connection still open\"]\n", http.post(echo(2, "xhr")).bodyText());
            send(0, "[\"still\"]");
            assertEquals("a[\"still\"]\n", held.readResponse("POST").bodyText());
        }
    }
}

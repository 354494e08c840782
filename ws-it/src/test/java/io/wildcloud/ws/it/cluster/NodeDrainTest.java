package io.wildcloud.ws.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM drains a node: it stops accepting, ends its held polls and streams so that their clients
 * continue on other nodes with no lost message, closes its websockets with "going away" (1001), and
 * exits within its drain timeout.
 */
class NodeDrainTest {

    private static final String PRELUDE = "h".repeat(2048) + "\n";

    private ProcessCluster cluster;
    /** Reads wait longer than usual: the drain itself takes up to a few seconds. */
    private final Http http = new Http(Duration.ofSeconds(10));

    @BeforeEach
    void startCluster() throws InterruptedException {
        cluster = ProcessCluster.start("drain", 3, "--mode=protocol-test", "--drain-timeout=5s");
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String url(int node, String session, String transport) {
        return cluster.publicUrl(node) + "/echo/000/" + session + "/" + transport;
    }

    @Test
    void drainHandsEveryKindOfClientOverAndExitsInTime() throws InterruptedException {
        String streamed = UUID.randomUUID().toString();
        String polled = UUID.randomUUID().toString();
        assertEquals("o\n", http.post(url(0, polled, "xhr")).bodyText());

        try (Http.Stream stream = http.open("POST", url(0, streamed, "xhr_streaming"));
             RawHttp heldPoll = http.sendOnly("POST", url(0, polled, "xhr"));
             WsClient websocket = WsClient.connect(url(0, UUID.randomUUID().toString(), "websocket"),
                     Duration.ofSeconds(10))) {
            assertEquals(PRELUDE, stream.nextChunk());
            assertEquals("o\n", stream.nextChunk());
            assertEquals("o", websocket.nextText());
            OpenConnections.awaitMoreThan(http, cluster.apiUrl(0), "xhr", 0);

            long start = System.nanoTime();
            cluster.node(0).sigterm();

            // The stream ends properly (terminating chunk), with no close frame: the session lives on.
            for (int chunk = 0; chunk < 10; chunk++) {
                String frame = stream.nextChunk();
                if (frame.isEmpty()) {
                    break;
                }
                assertEquals("h\n", frame, "only heartbeats may come before the stream ends");
            }
            RawResponse poll = heldPoll.readResponse("POST");
            assertEquals(200, poll.status());
            assertFalse(poll.bodyText().startsWith("c["), () -> "a drained poll must not close the session: " + poll);

            // SockJS's own going-away frame first (sockjs-client reads the close from it), then the close.
            for (int frame = 0; frame < 10; frame++) {
                String text = websocket.nextText();
                if (!text.equals("h")) {
                    assertEquals("c[1001,\"Server going away\"]", text);
                    break;
                }
            }
            WsClient.Event end = websocket.awaitEnd();
            assertTrue(end instanceof WsClient.Closed closed && closed.code() == 1001,
                    () -> "websocket must be closed with 1001 going away, got " + end);
            int exit = cluster.node(0).awaitExit(Duration.ofSeconds(20));
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(15)) < 0,
                    "drain took longer than its 5 s timeout allows");
        }
        cluster.node(0).assertNoLeakReports();

        // Both sessions go on, on other nodes, with nothing lost.
        assertEquals(204, http.post(url(1, streamed, "xhr_send"), "[\"after-drain\"]").status());
        try (Http.Stream next = http.open("POST", url(2, streamed, "xhr_streaming"))) {
            assertEquals(PRELUDE, next.nextChunk());
            assertEquals("a[\"after-drain\"]\n", next.nextChunk());
        }
        assertEquals(204, http.post(url(2, polled, "xhr_send"), "[\"p\"]").status());
        assertEquals("a[\"p\"]\n", http.post(url(1, polled, "xhr")).bodyText());
    }
}

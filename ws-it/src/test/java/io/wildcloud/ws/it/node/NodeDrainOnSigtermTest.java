package io.wildcloud.ws.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.cluster.OpenConnections;
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
 * What the clients of one node see when it is told to stop (SIGTERM): every streaming response
 * ends properly (its terminating chunk, no close frame, since the session lives on elsewhere),
 * a held poll is answered, a websocket is closed with 1001 "going away", and the process exits
 * within its drain timeout. {@code NodeDrainTest} (cluster package) checks that the clients then go
 * on through other nodes.
 */
class NodeDrainOnSigtermTest {

    private static final String PRELUDE = "h".repeat(2048) + "\n";

    private NodeProcess node;
    /** Reads wait longer than usual: the drain itself may take a few seconds. */
    private final Http http = new Http(Duration.ofSeconds(10));

    @BeforeEach
    void start() {
        node = NodeProcess.start("sigterm-drain", "--mode=protocol-test", "--drain-timeout=5s");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String url(String session, String transport) {
        return node.publicUrl() + "/echo/000/" + session + "/" + transport;
    }

    @Test
    void drainEndsStreamsAnswersPollsClosesWebsocketsAndExitsInTime() throws InterruptedException {
        String polled = UUID.randomUUID().toString();
        assertEquals("o\n", http.post(url(polled, "xhr")).bodyText());

        try (Http.Stream stream = http.open("POST", url(UUID.randomUUID().toString(), "xhr_streaming"));
             RawHttp heldPoll = http.sendOnly("POST", url(polled, "xhr"));
             WsClient websocket = WsClient.connect(url(UUID.randomUUID().toString(), "websocket"), Duration.ofSeconds(10))) {
            assertEquals(PRELUDE, stream.nextChunk());
            assertEquals("o\n", stream.nextChunk());
            assertEquals("o", websocket.nextText());
            // The node must hold the poll as receiver before it drains: nothing on the wire shows
            // that, its sessions-open gauge does (a 300 ms sleep guessed it).
            OpenConnections.awaitMoreThan(http, node.apiUrl(), "xhr", 0);

            long start = System.nanoTime();
            node.sigterm();

            for (int chunk = 0; chunk < 10; chunk++) {
                String frame = stream.nextChunk();
                if (frame.isEmpty()) {
                    break;
                }
                assertEquals("h\n", frame, "only heartbeats may come before the stream ends");
            }
            RawResponse poll = heldPoll.readResponse("POST");
            assertEquals(200, poll.status(), poll::toString);
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

            int exit = node.awaitExit(Duration.ofSeconds(20));
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 15_000, "drain took " + tookMillis + " ms with a 5 s drain timeout");
        }
        node.assertNoLeakReports();
    }
}

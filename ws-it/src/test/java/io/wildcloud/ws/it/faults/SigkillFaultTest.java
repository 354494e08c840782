package io.wildcloud.ws.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.WsClient;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node dies (SIGKILL) under live sessions, three nodes on one Redis behind the round-robin
 * balancer. Sessions held on the dead node: the poll and the stream whose request it held go on
 * through the balancer elsewhere, with every message published before and after the kill, once and
 * in order; its websocket sees its connection end. Sessions on the other nodes carry on untouched.
 *
 * <p>Each session's first request goes to its node directly, so that the test knows where it is
 * held; every later one goes through the balancer.
 */
class SigkillFaultTest {

    private static final int BEFORE = 10;
    private static final int AFTER = 20;

    @Test
    void sessionsSurviveANodeKilledWithSigkill() throws Exception {
        try (FaultCluster cluster = new FaultCluster("kill")) {
            String pollSocket = cluster.authorize(1);
            String streamSocket = cluster.authorize(2);
            String wsSocket = cluster.authorize(3);
            String wsOtherSocket = cluster.authorize(1);
            String streamOtherSocket = cluster.authorize(2);
            try (PollingSession poll = new PollingSession(pollSocket, cluster.direct(1, pollSocket));
                 StreamingSession stream = new StreamingSession(streamSocket, cluster.direct(1, streamSocket));
                 WebSocketSession ws = new WebSocketSession(wsSocket, cluster.direct(1, wsSocket));
                 WebSocketSession wsOther = new WebSocketSession(wsOtherSocket, cluster.direct(2, wsOtherSocket));
                 StreamingSession streamOther = new StreamingSession(streamOtherSocket,
                         cluster.direct(3, streamOtherSocket))) {
                List<ClientSession> survivors = List.of(poll, stream, wsOther, streamOther);
                List<ClientSession> all = List.of(poll, stream, ws, wsOther, streamOther);
                all.forEach(ClientSession::awaitOpen);

                List<String> expected = new ArrayList<>();
                for (int n = 1; n <= BEFORE; n++) {
                    String message = "m-" + n;
                    expected.add(message);
                    for (ClientSession session : all) {
                        cluster.publishToOne(1 + n % 3, session.socketId, message);
                    }
                }
                for (ClientSession session : all) {
                    session.awaitReceived(BEFORE, Duration.ofSeconds(15));
                }
                // Quiet point: everything written is acknowledged, and node 1 holds the poll and the stream.
                for (ClientSession session : List.of(poll, stream)) {
                    Waits.await(() -> cluster.queued(session.socketId, session.sessionId) == 0,
                            "queue of " + session.sessionId + " empty", Duration.ofSeconds(10));
                    cluster.awaitHeldOn(1, session.socketId, session.sessionId);
                    session.base.set(cluster.viaBalancer(session.socketId));
                }

                long killed = System.nanoTime();
                cluster.node(1).sigkill();
                assertEquals(137, cluster.node(1).awaitExit(Duration.ofSeconds(10)));

                ws.awaitEnd(Duration.ofSeconds(10));
                assertEquals(expected, ws.messages(), "the dead node's websocket got what came before: " + ws);
                assertTrue(ws.end() instanceof WsClient.Failed
                        || ws.end() instanceof WsClient.Closed closed && closed.code() == 1006,
                        "the dead node's websocket ends without a close from the server: " + ws.end());

                for (int n = BEFORE + 1; n <= BEFORE + AFTER; n++) {
                    String message = "m-" + n;
                    expected.add(message);
                    for (ClientSession session : survivors) {
                        cluster.publishToOne(2 + n % 2, session.socketId, message);
                    }
                }
                for (ClientSession session : survivors) {
                    session.awaitReceived(BEFORE + AFTER, Duration.ofSeconds(30));
                }
                long recovered = System.nanoTime();
                for (ClientSession session : survivors) {
                    assertEquals(expected, session.messages(), "every message once, in order: " + session);
                    assertNull(session.closeFrame(), session.toString());
                }
                // Untouched: no reconnect, no failure on the other nodes' sessions.
                assertNull(wsOther.end(), wsOther.toString());
                assertEquals(0, streamOther.failures(), streamOther.toString());
                assertEquals(1, streamOther.streams(), streamOther.toString());
                // The dead node's poll and stream did lose their request, and went on elsewhere.
                assertTrue(poll.failures() >= 1, poll.toString());
                assertTrue(stream.failures() >= 1, stream.toString());
                System.out.printf("SigkillFaultTest: %d sessions, %d messages checked (%d per surviving session,"
                                + " %d after the kill); all delivered %d ms after the SIGKILL; balancer requests %s%n",
                        all.size(), survivors.size() * expected.size() + BEFORE, expected.size(), AFTER,
                        (recovered - killed) / 1_000_000, cluster.balancer.requestCounts());
            }
            cluster.node(2).assertNoLeakReports();
            cluster.node(3).assertNoLeakReports();
        }
    }
}

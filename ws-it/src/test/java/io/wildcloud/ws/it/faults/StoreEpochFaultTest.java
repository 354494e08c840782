package io.wildcloud.ws.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis is killed with SIGKILL and started empty on the same port under three live nodes: every
 * node sees the cluster epoch gone, closes its open sessions with {@code c[4010,"Session state
 * lost"]} (a websocket and a stream, held on two nodes through the outage), logs it in one line,
 * and serves new sessions.
 */
class StoreEpochFaultTest {

    static final String LOST = "c[4010,\"Session state lost\"]";
    private static final String LOG_LINE = "Redis lost its data";

    @Test
    void redisRestartedEmptyClosesEveryOpenSessionWith4010() throws Exception {
        try (FaultCluster cluster = new FaultCluster("epoch")) {
            assumeTrue(cluster.redis.canStopAndRestart(), "needs a redis-server of the test's own");
            String wsSocket = cluster.authorize(1);
            String streamSocket = cluster.authorize(2);
            try (WebSocketSession ws = new WebSocketSession(wsSocket, cluster.direct(1, wsSocket));
                 StreamingSession stream = new StreamingSession(streamSocket, cluster.direct(2, streamSocket))) {
                List<ClientSession> all = List.of(ws, stream);
                all.forEach(ClientSession::awaitOpen);
                for (ClientSession session : all) {
                    cluster.publishToOne(3, session.socketId, "m-1");
                    session.awaitReceived(1, Duration.ofSeconds(15));
                }

                cluster.redis.kill();
                cluster.redis.restartEmpty();
                long up = System.nanoTime();
                for (ClientSession session : all) {
                    Waits.await(() -> session.closeFrame() != null,
                            () -> session.sessionId + " closed " + session, Duration.ofSeconds(15));
                }
                long closed = System.nanoTime();
                assertEquals(LOST, ws.closeFrame(), ws.toString());
                assertEquals(LOST, stream.closeFrame(), stream.toString());
                assertEquals(List.of("m-1"), ws.messages());
                assertEquals(List.of("m-1"), stream.messages());
                RedisOutageFaultTest.awaitHealth(cluster, 200, Duration.ofSeconds(30));

                // One line per node, not one per session; no session evicted one by one.
                for (NodeProcess node : cluster.nodes) {
                    Waits.await(() -> count(node, LOG_LINE) >= 1,
                            () -> node.name() + " logged the loss " + node.logTail(), Duration.ofSeconds(10));
                    assertEquals(1, count(node, LOG_LINE), node.logTail());
                    assertEquals(0, count(node, "receiver evicted by the store"), node.logTail());
                }

                // New sockets and sessions work on every node.
                for (int number = 1; number <= 3; number++) {
                    String socket = cluster.authorize(number);
                    try (WebSocketSession fresh = new WebSocketSession(socket, cluster.direct(number, socket))) {
                        fresh.awaitOpen();
                        cluster.publishToOne(1 + number % 3, socket, "after-" + number);
                        fresh.awaitReceived(1, Duration.ofSeconds(10));
                        assertEquals(List.of("after-" + number), fresh.messages());
                    }
                }
                for (NodeProcess node : cluster.nodes) {
                    assertTrue(node.isAlive(), node.name() + " died:\n" + node.logTail());
                    node.assertNoLeakReports();
                }
                System.out.printf("StoreEpochFaultTest: websocket and stream closed with %s %d ms after Redis"
                        + " restarted empty%n", LOST, (closed - up) / 1_000_000);
            }
        }
    }

    static long count(NodeProcess node, String text) {
        try {
            return Files.readAllLines(node.log()).stream().filter(line -> line.contains(text)).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

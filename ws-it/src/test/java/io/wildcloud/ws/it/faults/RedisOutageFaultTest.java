package io.wildcloud.ws.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis goes away under three live nodes behind the balancer. While it is gone the nodes stay up,
 * {@code /health} says 503, the API answers 503 with a JSON error. When it is back the service
 * resumes by itself: with its data (it was frozen) the sessions go on with no lost message; empty
 * (it was killed and restarted on the same port) the old sessions end cleanly and new ones work.
 */
class RedisOutageFaultTest {

    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void redisKilledThenRestartedEmpty() throws Exception {
        try (FaultCluster cluster = new FaultCluster("redis-empty")) {
            assumeTrue(cluster.redis.canStopAndRestart(), "needs a redis-server of the test's own");
            String pollSocket = cluster.authorize(1);
            String streamSocket = cluster.authorize(2);
            String wsSocket = cluster.authorize(3);
            try (PollingSession poll = new PollingSession(pollSocket, cluster.viaBalancer(pollSocket));
                 StreamingSession stream = new StreamingSession(streamSocket, cluster.viaBalancer(streamSocket));
                 WebSocketSession ws = new WebSocketSession(wsSocket, cluster.direct(2, wsSocket))) {
                List<ClientSession> all = List.of(poll, stream, ws);
                all.forEach(ClientSession::awaitOpen);
                for (int n = 1; n <= 3; n++) {
                    for (ClientSession session : all) {
                        cluster.publishToOne(1 + n % 3, session.socketId, "m-" + n);
                    }
                }
                all.forEach(session -> session.awaitReceived(3, Duration.ofSeconds(15)));

                long down = System.nanoTime();
                cluster.redis.kill();
                awaitHealth(cluster, 503, Duration.ofSeconds(20));
                long noticed = System.nanoTime();
                assertUnavailable(cluster, pollSocket);

                cluster.redis.restartEmpty();
                long up = System.nanoTime();
                awaitHealth(cluster, 200, Duration.ofSeconds(30));
                long healthy = System.nanoTime();

                // The old sessions end, none hangs: a close frame, or 404 for a socket Redis forgot.
                Waits.await(() -> !poll.isRunning(),
                        () -> "the old poll ended " + poll, Duration.ofSeconds(30));
                assertTrue(poll.lastStatus() == 404 || poll.closeFrame() != null, poll.toString());
                Waits.await(() -> !stream.isRunning(),
                        () -> "the old stream ended " + stream, Duration.ofSeconds(30));
                assertTrue(stream.lastStatus() == 404 || stream.closeFrame() != null, stream.toString());
                ws.awaitEnd(Duration.ofSeconds(30));
                assertNotNull(ws.closeFrame(), "the websocket got a close frame: " + ws);

                // New sockets and sessions work, subscriptions included, on every node.
                List<String> received = new ArrayList<>();
                for (int node = 1; node <= 3; node++) {
                    String socket = cluster.authorize(node);
                    try (WebSocketSession fresh = new WebSocketSession(socket, cluster.direct(node, socket));
                         PollingSession freshPoll = new PollingSession(socket, cluster.viaBalancer(socket))) {
                        fresh.awaitOpen();
                        freshPoll.awaitOpen();
                        PushApiResponses.assertSessions(cluster.publish(1 + node % 3, socket, "after-" + node), 2);
                        fresh.awaitReceived(1, Duration.ofSeconds(10));
                        freshPoll.awaitReceived(1, Duration.ofSeconds(10));
                        received.addAll(fresh.messages());
                        received.addAll(freshPoll.messages());
                    }
                }
                assertEquals(List.of("after-1", "after-1", "after-2", "after-2", "after-3", "after-3"), received);
                for (NodeProcess node : cluster.nodes) {
                    assertTrue(node.isAlive(), node.name() + " died:\n" + node.logTail());
                    node.assertNoLeakReports();
                }
                System.out.printf("RedisOutageFaultTest.empty: 503 on every node %d ms after the kill; healthy %d ms after"
                                + " the empty restart (down %d ms in all); old poll %s, stream %s, websocket %s%n",
                        (noticed - down) / 1_000_000, (healthy - up) / 1_000_000, (up - down) / 1_000_000,
                        poll.closeFrame() != null ? poll.closeFrame() : poll.lastStatus(),
                        stream.closeFrame() != null ? stream.closeFrame() : stream.lastStatus(),
                        ws.closeFrame() + " " + ws.end());
            }
        }
    }

    @Test
    void redisFrozenThenBackWithItsData() throws Exception {
        try (FaultCluster cluster = new FaultCluster("redis-frozen")) {
            assumeTrue(cluster.redis.canStopAndRestart(), "needs a redis-server of the test's own");
            String pollSocket = cluster.authorize(1);
            String streamSocket = cluster.authorize(2);
            String wsSocket = cluster.authorize(3);
            try (PollingSession poll = new PollingSession(pollSocket, cluster.viaBalancer(pollSocket));
                 StreamingSession stream = new StreamingSession(streamSocket, cluster.viaBalancer(streamSocket));
                 WebSocketSession ws = new WebSocketSession(wsSocket, cluster.direct(2, wsSocket))) {
                List<ClientSession> all = List.of(poll, stream, ws);
                all.forEach(ClientSession::awaitOpen);
                List<String> expected = new ArrayList<>();
                for (int n = 1; n <= 5; n++) {
                    expected.add("m-" + n);
                    for (ClientSession session : all) {
                        cluster.publishToOne(1 + n % 3, session.socketId, "m-" + n);
                    }
                }
                all.forEach(session -> session.awaitReceived(5, Duration.ofSeconds(15)));

                long frozen = System.nanoTime();
                cluster.redis.freeze();
                awaitHealth(cluster, 503, Duration.ofSeconds(40));
                long noticed = System.nanoTime();
                RawResponse authorize = cluster.authorizeRaw(1, Duration.ofSeconds(60));
                assertEquals(503, authorize.status(), authorize.toString());
                assertTrue(json(authorize).has("error") && json(authorize).has("message"), authorize.toString());

                cluster.redis.resume();
                long resumed = System.nanoTime();
                awaitHealth(cluster, 200, Duration.ofSeconds(60));
                long healthy = System.nanoTime();
                for (int n = 6; n <= 15; n++) {
                    expected.add("m-" + n);
                    for (ClientSession session : all) {
                        cluster.publishToOne(1 + n % 3, session.socketId, "m-" + n);
                    }
                }
                all.forEach(session -> session.awaitReceived(expected.size(), Duration.ofSeconds(30)));
                for (ClientSession session : all) {
                    assertEquals(expected, session.messages(), "every message once, in order: " + session);
                    assertEquals(null, session.closeFrame(), session.toString());
                }
                assertEquals(null, ws.end(), "the websocket lived through the outage: " + ws);
                // A new socket and session work too.
                String fresh = cluster.authorize(2);
                try (WebSocketSession freshWs = new WebSocketSession(fresh, cluster.viaBalancer(fresh))) {
                    freshWs.awaitOpen();
                    cluster.publishToOne(3, fresh, "fresh");
                    freshWs.awaitReceived(1, Duration.ofSeconds(10));
                }
                for (NodeProcess node : cluster.nodes) {
                    assertTrue(node.isAlive(), node.name() + " died:\n" + node.logTail());
                    node.assertNoLeakReports();
                }
                System.out.printf("RedisOutageFaultTest.frozen: 503 on every node %d ms after SIGSTOP; healthy %d ms after"
                                + " SIGCONT (frozen %d ms); %d messages checked; poll failures %d, stream failures %d%n",
                        (noticed - frozen) / 1_000_000, (healthy - resumed) / 1_000_000, (resumed - frozen) / 1_000_000,
                        all.size() * expected.size(), poll.failures(), stream.failures());
            }
        }
    }

    /**
     * A store command that timed out but ran: a publish sent to a Redis stopped longer than
     * Redisson's attempts (3 x 3 s) gets no answer, so the API says 503 {@code store_timeout}
     * ("may have been delivered"); Redis runs the script (and Redisson's two resends) once it is
     * back, and the message reaches the session exactly once, between what came before and after.
     * (A websocket: a held poll whose client gives up during the stall ends its session.)
     */
    @Test
    void aPublishWhoseScriptRanButWhoseAnswerWasLost() throws Exception {
        try (FaultCluster cluster = new FaultCluster("publish-unknown")) {
            assumeTrue(cluster.redis.canStopAndRestart(), "needs a redis-server of the test's own");
            String socket = cluster.authorize(2);
            try (WebSocketSession ws = new WebSocketSession(socket, cluster.direct(2, socket))) {
                ws.awaitOpen();
                cluster.publishToOne(3, socket, "before");
                ws.awaitReceived(1, Duration.ofSeconds(15));

                cluster.redis.freeze();
                // Sent at once, before the nodes see the stall: the script goes out to the stopped Redis.
                RawResponse answer = cluster.publishRaw(1, socket, "unknown", Duration.ofSeconds(60));
                assertEquals(503, answer.status(), answer.toString());
                assertEquals("store_timeout", json(answer).get("error").getAsString(), answer.toString());
                cluster.redis.resume();
                awaitHealth(cluster, 200, Duration.ofSeconds(60));
                cluster.publishToOne(3, socket, "after");
                ws.awaitReceived(3, Duration.ofSeconds(30));
                assertEquals(List.of("before", "unknown", "after"), ws.messages(),
                        "the script that ran is delivered, once: " + ws);
                assertEquals(null, ws.closeFrame(), ws.toString());
                for (NodeProcess node : cluster.nodes) {
                    node.assertNoLeakReports();
                }
            }
        }
    }

    static void awaitHealth(FaultCluster cluster, int status, Duration timeout) {
        for (NodeProcess node : cluster.nodes) {
            Waits.await(() -> {
                try {
                    return new Http(Duration.ofSeconds(5)).get(node.apiUrl() + "/health").status() == status;
                } catch (RuntimeException | AssertionError e) {
                    return false;
                }
            }, node.name() + " /health " + status, timeout);
        }
    }

    /** Nodes up, the API answers 503 with a JSON error, the public port 503 too. */
    static void assertUnavailable(FaultCluster cluster, String socketId) {
        for (int number = 1; number <= 3; number++) {
            NodeProcess node = cluster.node(number);
            assertTrue(node.isAlive(), node.name());
            RawResponse health = cluster.health(number);
            assertEquals(503, health.status(), health.toString());
            assertEquals("unavailable", json(health).get("status").getAsString(), health.toString());
            RawResponse authorize = cluster.authorizeRaw(number, API_TIMEOUT);
            assertEquals(503, authorize.status(), authorize.toString());
            assertTrue(json(authorize).has("error") && json(authorize).has("message"), authorize.toString());
            RawResponse publish = cluster.publishRaw(number, socketId, "lost", API_TIMEOUT);
            assertEquals(503, publish.status(), publish.toString());
            assertTrue(json(publish).has("error"), publish.toString());
            RawResponse poll = new Http(API_TIMEOUT).post(node.publicUrl() + "/" + socketId + "/000/fresh/xhr");
            assertEquals(503, poll.status(), poll.toString());
        }
    }

    static JsonObject json(RawResponse response) {
        return JsonParser.parseString(response.bodyText()).getAsJsonObject();
    }

    /** Checks on a publish answer. */
    static final class PushApiResponses {
        static void assertSessions(io.wildcloud.ws.common.api.PublishResponse response, int sessions) {
            assertEquals(sessions, response.sessions(), response.toString());
        }
    }
}

package io.wildcloud.ws.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.client.PushClient;
import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A socket that expires while idle ({@code --socket-idle-timeout=4s}) closes every session open on
 * it with {@code c[4004,"Unknown socket"]}, whatever the transport and although the clients send
 * nothing: a receive-only websocket, a stream and a poll, on Redis (three nodes) and on the memory
 * engine. A revoked socket closes them all with 4001.
 */
class SocketExpiryFaultTest {

    private static final String UNKNOWN = "c[4004,\"Unknown socket\"]";
    private static final String REVOKED = "c[4001,\"Socket revoked\"]";
    private static final Duration IDLE = Duration.ofSeconds(4);
    /**
     * The idle timeout, its 1/16 of renewal slack on Redis, the watch's interval (an eighth of the
     * idle timeout, at least 250 ms), and room for a loaded machine.
     */
    private static final Duration BOUND = Duration.ofSeconds(9);

    @Test
    void idleSocketClosesItsSessionsWith4004OnRedis() throws Exception {
        try (FaultCluster cluster = new FaultCluster("socket-expiry", "--socket-idle-timeout=4s")) {
            String socket = cluster.authorize(1);
            try (WebSocketSession ws = new WebSocketSession(socket, cluster.direct(1, socket));
                 StreamingSession stream = new StreamingSession(socket, cluster.direct(2, socket));
                 PollingSession poll = new PollingSession(socket, cluster.viaBalancer(socket))) {
                List<ClientSession> all = List.of(ws, stream, poll);
                all.forEach(ClientSession::awaitOpen);
                assertEquals(3, cluster.publish(3, socket, "last").sessions());
                long lastUse = System.nanoTime();
                assertClosedWith(all, UNKNOWN, lastUse, "Redis");
            }
        }
    }

    @Test
    void idleSocketClosesItsSessionsWith4004OnTheMemoryEngine() throws Exception {
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        try (NodeProcess node = NodeProcess.start("socket-expiry-memory", "--applications=app:" + secret,
                "--socket-idle-timeout=4s", "--heartbeat-interval=5s")) {
            PushClient api = PushClient.builder(URI.create(node.apiUrl()), secret).build();
            String socket = api.authorize("client", URI.create(FaultCluster.CALLBACK));
            String base = node.publicUrl() + "/" + socket;
            try (WebSocketSession ws = new WebSocketSession(socket, base);
                 StreamingSession stream = new StreamingSession(socket, base);
                 PollingSession poll = new PollingSession(socket, base)) {
                List<ClientSession> all = List.of(ws, stream, poll);
                all.forEach(ClientSession::awaitOpen);
                assertEquals(3, api.publish(socket, "last").sessions());
                long lastUse = System.nanoTime();
                assertClosedWith(all, UNKNOWN, lastUse, "memory");
            }
            node.assertNoLeakReports();
        }
    }

    @Test
    void revokedSocketClosesItsSessionsWith4001() throws Exception {
        try (FaultCluster cluster = new FaultCluster("socket-revoke")) {
            String socket = cluster.authorize(1);
            try (WebSocketSession ws = new WebSocketSession(socket, cluster.direct(1, socket));
                 StreamingSession stream = new StreamingSession(socket, cluster.direct(2, socket));
                 PollingSession poll = new PollingSession(socket, cluster.viaBalancer(socket))) {
                List<ClientSession> all = List.of(ws, stream, poll);
                all.forEach(ClientSession::awaitOpen);
                cluster.revoke(3, socket); // an error answer throws
                assertClosedWith(all, REVOKED, System.nanoTime(), "revoke");
            }
        }
    }

    private static void assertClosedWith(List<ClientSession> all, String frame, long since, String what) {
        for (ClientSession session : all) {
            Waits.await(() -> session.closeFrame() != null,
                    () -> session.getClass().getSimpleName() + " closed " + session, BOUND);
        }
        long millis = (System.nanoTime() - since) / 1_000_000;
        for (ClientSession session : all) {
            assertEquals(frame, session.closeFrame(), session.toString());
            assertEquals(List.of(), session.messages().stream().filter(m -> !m.equals("last")).toList());
        }
        assertTrue(millis <= BOUND.toMillis(), millis + " ms");
        System.out.printf("SocketExpiryFaultTest (%s): websocket, stream and poll all got %s %d ms after the"
                + " socket's last use (or its revoke)%n", what, frame, millis);
    }
}

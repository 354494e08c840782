package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.hostile.HostileCallbackServer.Behaviour;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages waiting for a callback that hangs: a hostile tenant (or anyone holding its socket ids)
 * opens 60 xhr sessions per socket and gives each its 4 waiting xhr_sends of a 60 KB message, all
 * within the client message limits, without waiting for answers. Each waits for the callback (60 s
 * a try here), so every one the node takes stays on its heap.
 *
 * <p>Before the bound, the node took them all (1,920 x 60 KB = 115 MB on a 128 MiB heap) and died
 * of OutOfMemoryError. With it, the demo application's messages stop at its 8 MiB backlog, the rest
 * are answered 503 {@code callback_backlog_full} (a websocket's session closed with 4503), and another
 * application's client is still served.
 */
class CallbackBacklogAttackTest {

    private static final String ALLOWED = "127.0.0.2";
    private static final String OTHER_SECRET = "other-application-secret-0123";
    private static final long PER_APPLICATION = 8L * 1024 * 1024;
    private static final int SOCKETS = 8;
    private static final int SESSIONS = 60;
    private static final int SENDS_PER_SESSION = 4;
    private static final int MESSAGE_CHARS = 60_000;

    private final List<HostileCallbackServer> servers = new ArrayList<>();
    private final List<Socket> sends = new ArrayList<>();
    private HostileNode node;

    @AfterEach
    void stop() throws IOException {
        for (Socket send : sends) {
            send.close();
        }
        servers.forEach(HostileCallbackServer::close);
        if (node != null) {
            node.close();
        }
    }

    @Test
    void messagesWaitingForAHangingCallbackStopAtTheApplicationsBacklog() throws Exception {
        node = HostileNode.start("callback-backlog", "--callback-allow-networks=" + ALLOWED + "/32",
                "--callback-timeout=60s", "--callback-retry-budget=60s", "--disconnect-delay=60s",
                "--applications=other:" + OTHER_SECRET,
                "--callback-backlog-bytes-per-application=" + PER_APPLICATION);
        HostileCallbackServer hang = HostileCallbackServer.start(ALLOWED, Behaviour.HANG);
        servers.add(hang);
        HostileCallbackServer ok = HostileCallbackServer.start(ALLOWED, Behaviour.OK);
        servers.add(ok);
        int total = SOCKETS * SESSIONS * SENDS_PER_SESSION;
        byte[] body = ("[\"" + "x".repeat(MESSAGE_CHARS) + "\"]").getBytes(StandardCharsets.UTF_8);

        node.assertSurvives(Duration.ofSeconds(1), () -> {
            for (int s = 0; s < SOCKETS; s++) {
                String socket = authorize(HostileNode.DEMO_SECRET, "tenant-" + s, hang.url());
                for (int i = 0; i < SESSIONS; i++) {
                    String session = "/" + socket + "/000/s" + i;
                    assertEquals("o\n", new Http(Duration.ofSeconds(5)).post(node.publicUrl() + session + "/xhr").bodyText());
                    for (int k = 0; k < SENDS_PER_SESSION; k++) {
                        sends.add(send(session + "/xhr_send", body));
                    }
                }
            }
            // Every send either taken (waiting for the callback) or refused; counted, not timed.
            awaitCount(() -> metric("ws_callback_pending") + metric("ws_callback_backlog_refused_total") >= total);
        });

        double taken = metric("ws_callback_pending");
        double refused = metric("ws_callback_backlog_refused_total");
        double backlog = metric("ws_callback_backlog_bytes");
        System.out.printf("callback backlog: %d sends of %d B, %.0f taken (%.0f B held), %.0f refused, RSS %d MiB%n",
                total, body.length, taken, backlog, refused, node.rssBytes() >> 20);
        assertEquals(total, taken + refused);
        assertTrue(backlog <= PER_APPLICATION, "backlog " + backlog);
        assertTrue(taken * MESSAGE_CHARS <= PER_APPLICATION, taken + " messages taken");
        assertTrue(refused >= total - PER_APPLICATION / MESSAGE_CHARS, refused + " refused");

        // Another application's client is served as before; the demo application's next message is refused, and told why.
        String other = authorize(OTHER_SECRET, "other-client", ok.url());
        Http http = new Http(Duration.ofSeconds(30));
        String session = node.publicUrl() + "/" + other + "/000/other1";
        assertEquals("o\n", http.post(session + "/xhr").bodyText());
        RawResponse sent = http.post(session + "/xhr_send", "[\"hello\"]", "Content-Type", "text/plain");
        assertEquals(204, sent.status(), sent.bodyText());
        assertEquals(1, ok.requests());

        String demo = authorize(HostileNode.DEMO_SECRET, "refused-client", ok.url());
        String refusedSession = node.publicUrl() + "/" + demo + "/000/r1";
        assertEquals("o\n", http.post(refusedSession + "/xhr").bodyText());
        RawResponse refusal = http.post(refusedSession + "/xhr_send", new String(body, StandardCharsets.UTF_8),
                "Content-Type", "text/plain");
        assertEquals(503, refusal.status(), refusal.bodyText());
        assertTrue(refusal.bodyText().startsWith("{\"error\":\"callback_backlog_full\",\"message\":\""), refusal.bodyText());

        // Over a websocket, the message is refused and its session closed, saying why.
        try (WsClient ws = WsClient.connect(node.publicUrl() + "/" + demo + "/000/w1/websocket", Duration.ofSeconds(30))) {
            assertEquals("o", ws.nextText());
            ws.send(new String(body, StandardCharsets.UTF_8));
            assertEquals("c[4503,\"Too many messages wait for the application\"]", ws.nextText());
        }
    }

    /** An xhr_send from the attacker's address whose answer nobody waits for; closed at the end. */
    private Socket send(String path, byte[] body) throws IOException {
        Socket socket = HostileNode.attackerSocket(node.node().publicPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    private String authorize(String secret, String client, String callback) {
        RawResponse answer = new Http(Duration.ofSeconds(5)).post(node.apiUrl() + "/authorize/" + secret + "/" + client,
                "{\"callback\": \"" + callback + "\"}");
        assertEquals(200, answer.status(), "authorize " + callback + ": " + answer.bodyText());
        Matcher id = Pattern.compile("\"socket_id\":\"([^\"]+)\"").matcher(answer.bodyText());
        assertTrue(id.find(), answer.bodyText());
        return id.group(1);
    }

    private double metric(String name) {
        String metrics = new Http(Duration.ofSeconds(5)).get(node.apiUrl() + "/metrics").bodyText();
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*} (\\S+)$").matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    /** Waits for {@code done}, at most a minute (a condition, not a speed). */
    private static void awaitCount(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "the sends were never all taken or refused");
            Thread.sleep(200);
        }
    }
}

package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.hostile.HostileCallbackServer.Behaviour;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, rows 1, 5 and 10: tenants' callbacks as the attack. Callback endpoints listen on
 * 127.0.0.2, the one network the node is told to allow ({@code callback-allow-networks}); a name
 * that resolves to 127.0.0.1 stands for DNS rebinding.
 *
 * <p>On the code before the fix, row 1 killed the node: the HTTP client buffered each 200 MiB
 * answer on a 128 MiB heap ({@code OutOfMemoryError}, and the fixture exits on it); row 5's
 * callbacks were all accepted.
 */
class CallbackAttackTest {

    private static final String ALLOWED = "127.0.0.2";
    /** Heap is 128 MiB; the rest of RSS is metaspace, code, threads and Netty's direct arenas. */
    private static final long RSS_BOUND = 450L * 1024 * 1024;
    private static final long LOG_BOUND = 256L * 1024;

    private final List<HostileCallbackServer> servers = new ArrayList<>();
    private final ExecutorService browsers = Executors.newFixedThreadPool(8);
    private HostileNode node;

    @AfterEach
    void stop() {
        browsers.shutdownNow();
        servers.forEach(HostileCallbackServer::close);
        if (node != null) {
            node.close();
        }
    }

    private HostileNode start(String name) {
        // A session's sends wait for its callbacks, and these browsers never poll: the longer
        // disconnect delay keeps their sessions open while they send.
        node = HostileNode.start(name, "--callback-allow-networks=" + ALLOWED + "/32", "--callback-timeout=1s",
                "--callback-retry-budget=2s", "--disconnect-delay=60s");
        return node;
    }

    private HostileCallbackServer server(String host, Behaviour behaviour) throws Exception {
        HostileCallbackServer server = HostileCallbackServer.start(host, behaviour);
        servers.add(server);
        return server;
    }

    @Test
    void hugeAnswersFromFourEndpointsWhileBrowsersSendDoNotTakeTheNodeDown() throws Exception {
        HostileNode node = start("callback-huge");
        List<String> sockets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sockets.add(authorize("tenant-" + i, server(ALLOWED, Behaviour.HUGE_BODY).url()));
        }
        int sessionsPerSocket = 2;
        int messagesPerSession = 10;
        int total = sockets.size() * sessionsPerSocket * messagesPerSession;
        long logBefore = node.logBytes();
        long started = System.nanoTime();
        node.assertSurvives(Duration.ofSeconds(2), () -> {
            List<Future<?>> sending = new ArrayList<>();
            for (String socket : sockets) {
                for (int s = 0; s < sessionsPerSocket; s++) {
                    sending.add(browsers.submit(() -> sendMessages(socket, messagesPerSession)));
                }
            }
            for (Future<?> done : sending) {
                done.get();
            }
            awaitMetric("ws_callback_delivered_total", null, v -> v >= total, Duration.ofSeconds(60));
        });
        String metrics = metrics();
        assertEquals(total, value(metrics, "ws_callback_delivered_total", null), metrics);
        assertEquals(total, value(metrics, "ws_callback_anomalies_total", "kind=\"body_too_large\""), metrics);
        long offered = total * HostileCallbackServer.MAX_BODY;
        long taken = servers.stream().mapToLong(HostileCallbackServer::bytesWritten).sum();
        System.out.printf("row 1: %d answers of 200 MiB offered (%d MiB) in %d ms, %d MiB taken by the node's sockets,"
                        + " RSS %d MiB, direct %d KiB, log +%d B%n", total, offered >> 20,
                (System.nanoTime() - started) / 1_000_000, taken >> 20,
                node.rssBytes() >> 20, node.directMemoryBytes() >> 10, node.logBytes() - logBefore);
        assertTrue(taken < offered / 20, "the node read " + taken + " of " + offered + " bytes");
        assertTrue(node.rssBytes() < RSS_BOUND, "RSS " + node.rssBytes());
        assertTrue(node.logBytes() - logBefore < LOG_BOUND, "log grew " + (node.logBytes() - logBefore));
    }

    @Test
    void hangingTricklingRedirectingOversizedAndRebindingCallbacksAreBoundedAndCounted() throws Exception {
        HostileNode node = start("callback-kinds");
        HostileCallbackServer hang = server(ALLOWED, Behaviour.HANG);
        HostileCallbackServer trickle = server(ALLOWED, Behaviour.TRICKLE);
        HostileCallbackServer hugeHead = server(ALLOWED, Behaviour.HUGE_HEAD);
        HostileCallbackServer target = server(ALLOWED, Behaviour.OK);
        HostileCallbackServer redirect = HostileCallbackServer.redirecting(ALLOWED, target.url());
        servers.add(redirect);
        // Listens on 127.0.0.1, named "localhost": authorize takes the name, the connect-time check refuses it.
        HostileCallbackServer rebound = server("127.0.0.1", Behaviour.OK);
        List<String> sockets = List.of(
                authorize("hang", hang.url()),
                authorize("trickle", trickle.url()),
                authorize("huge-head", hugeHead.url()),
                authorize("redirect", redirect.url()),
                authorize("rebound", rebound.url("localhost")));
        long logBefore = node.logBytes();
        node.assertSurvives(Duration.ofSeconds(1), () -> {
            List<Future<?>> sending = new ArrayList<>();
            for (String socket : sockets) {
                sending.add(browsers.submit(() -> sendMessages(socket, 1)));
            }
            for (Future<?> done : sending) {
                done.get();
            }
            // Every message settled: hang, trickle and huge-head given up, redirect rejected, rebound refused.
            awaitMetric("ws_callback_pending", null, v -> v == 0, Duration.ofSeconds(30));
        });
        String metrics = metrics();
        assertTrue(value(metrics, "ws_callback_anomalies_total", "kind=\"timeout\"") >= 4, metrics);
        assertTrue(value(metrics, "ws_callback_anomalies_total", "kind=\"head_too_large\"") >= 1, metrics);
        assertEquals(1, value(metrics, "ws_callback_anomalies_total", "kind=\"redirect\""), metrics);
        assertEquals(1, value(metrics, "ws_callback_refused_total", "reason=\"loopback\",stage=\"connect\""), metrics);
        assertEquals(3, value(metrics, "ws_callback_failures_total", null), metrics);
        assertEquals(1, value(metrics, "ws_callback_rejected_total", null), metrics);
        assertEquals(0, target.requests(), "the redirect was followed");
        assertEquals(0, rebound.requests(), "a name resolving to loopback was called");
        assertTrue(trickle.bytesWritten() < 100, "trickled " + trickle.bytesWritten() + " bytes");
        assertTrue(node.logBytes() - logBefore < LOG_BOUND, "log grew " + (node.logBytes() - logBefore));

        // Row 10: the log names sockets by their tag only.
        String log = Files.readString(node.node().log(), StandardCharsets.UTF_8);
        for (String socket : sockets) {
            assertFalse(log.contains(socket), "the log holds a socket id");
        }
        assertTrue(log.contains("socket " + tag(sockets.get(4))), "the refusal names the socket by its tag");
    }

    @Test
    void callbacksIntoTheNodeItsHostOrTheCloudMetadataAreRefusedAtAuthorize() throws Exception {
        HostileNode node = start("callback-ssrf");
        int api = node.node().apiPort();
        Http http = new Http(Duration.ofSeconds(5));
        String[][] cases = {
            // Row 5: application B's callback into the node's own API, in four spellings.
            {"http://127.0.0.1:" + api + "/publish/x", "this node's own port"},
            {"http://[::1]:" + api + "/publish/x", "this node's own port"},
            {"http://2130706433:" + api + "/publish/x", "this node's own port"},
            {"http://0x7f.1:" + api + "/publish/x", "this node's own port"},
            {"http://[::1]:8999/", "a loopback address"},
            {"http://0x7f.1:8999/", "a loopback address"},
            {"http://169.254.169.254/latest/meta-data/", "a link-local address"},
            {"http://127.0.0.1:6379/", "a loopback address"},
            {"http://[::ffff:127.0.0.1]:6379/", "a loopback address"},
            {"http://10.0.0.5/", "a private-network address"},
            // In the allowed network, but the node's own port: never.
            {"http://" + ALLOWED + ":" + api + "/publish/x", "this node's own port"},
        };
        for (String[] c : cases) {
            RawResponse answer = http.post(node.apiUrl() + "/authorize/" + HostileNode.DEMO_SECRET + "/b-app",
                    "{\"callback\": \"" + c[0] + "\"}");
            assertEquals(400, answer.status(), c[0] + ": " + answer.bodyText());
            assertTrue(answer.bodyText().startsWith("{\"error\":\"callback_not_allowed\",\"message\":\""), answer.bodyText());
            assertTrue(answer.bodyText().contains(c[1]), c[0] + ": " + answer.bodyText());
        }
        assertTrue(http.post(node.apiUrl() + "/authorize/" + HostileNode.DEMO_SECRET + "/b-app",
                "{\"callback\": \"http://" + ALLOWED + ":9/ok\"}").bodyText().contains("socket_id"));
        String metrics = metrics();
        assertEquals(5, value(metrics, "ws_callback_refused_total", "reason=\"own_port\",stage=\"authorize\""), metrics);
        assertEquals(4, value(metrics, "ws_callback_refused_total", "reason=\"loopback\",stage=\"authorize\""), metrics);
        assertEquals(1, value(metrics, "ws_callback_refused_total", "reason=\"link_local\",stage=\"authorize\""), metrics);
    }

    private String authorize(String client, String callback) {
        RawResponse answer = new Http(Duration.ofSeconds(5)).post(node.apiUrl() + "/authorize/"
                + HostileNode.DEMO_SECRET + "/" + client, "{\"callback\": \"" + callback + "\"}");
        assertEquals(200, answer.status(), "authorize " + callback + ": " + answer.bodyText());
        Matcher id = Pattern.compile("\"socket_id\":\"([^\"]+)\"").matcher(answer.bodyText());
        assertTrue(id.find(), answer.bodyText());
        return id.group(1);
    }

    /** A browser on xhr: opens a session and sends {@code count} messages, one at a time. */
    private Void sendMessages(String socket, int count) {
        Http http = new Http(Duration.ofSeconds(15));
        String session = node.publicUrl() + "/" + socket + "/000/" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals("o\n", http.post(session + "/xhr").bodyText());
        for (int i = 0; i < count; i++) {
            RawResponse sent = http.post(session + "/xhr_send", "[\"message " + i + "\"]",
                    "Content-Type", "text/plain");
            assertEquals(204, sent.status(), sent.bodyText());
        }
        return null;
    }

    private String metrics() {
        return new Http(Duration.ofSeconds(5)).get(node.apiUrl() + "/metrics").bodyText();
    }

    private void awaitMetric(String name, String tag, Predicate<Double> done, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String metrics = metrics();
        while (!done.test(value(metrics, name, tag))) {
            assertTrue(System.nanoTime() < deadline, name + " never got there:\n" + metrics);
            Thread.sleep(100);
            metrics = metrics();
        }
    }

    /** A series' value in Prometheus text; 0 when absent. */
    private static double value(String metrics, String name, String tag) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$").matcher(metrics);
        while (line.find()) {
            if (tag == null || line.group(1).contains(tag)) {
                return Double.parseDouble(line.group(2));
            }
        }
        return 0;
    }

    /** What the node's logs show for a socket id (LogTag). */
    private static String tag(String socketId) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(socketId.getBytes(StandardCharsets.UTF_8));
        return "#" + HexFormat.of().formatHex(digest, 0, 4);
    }
}

package io.wildcloud.ws.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.callback.CallbackServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;

/**
 * Drives a real {@link WsNode} over HTTP (a session over xhr polling, publishes, callbacks) and
 * reads what its {@code /metrics} says. Subclasses choose the engine.
 */
abstract class NodeMetricsFlow {

    static final String SECRET = "metrics-secret-0123456789";

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CallbackServer callbacks;
    WsNode node;

    /** Extra settings for the engine. */
    abstract List<String> engineFlags();

    void startNode() throws Exception {
        callbacks = new CallbackServer();
        // "fail" is never taken, so its callback is retried until the (short) budget runs out.
        callbacks.script(r -> CallbackServer.Reply.status(r.body().contains("fail") ? 500 : 200));
        List<String> flags = new ArrayList<>(List.of("--node-id=metrics-node", "--bind-host=127.0.0.1",
                "--public-port=0", "--api-port=0", "--applications=demo:" + SECRET, "--max-queued-messages=1",
                "--callback-retry-budget=1s", "--callback-allow-networks=127.0.0.0/8", "--heartbeat-interval=20s", "--disconnect-delay=6s",
                // No warm-up: its JIT work right after start stretched this flow past a 2 s disconnect delay;
                // and 2 s was still too short under two busy loops (s1 expired between its open and its
                // next poll: a 404 publish, or "o" for its next poll). The end waits for s2's expiry.
                "--warmup-connects=0"));
        flags.addAll(engineFlags());
        node = WsNode.start(NodeConfig.from(Settings.load(flags.toArray(String[]::new), Map.of())));
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
        if (callbacks != null) {
            callbacks.close();
        }
    }

    URI publicUri(String path) {
        return URI.create("http://127.0.0.1:" + node.publicPort() + path);
    }

    URI apiUri(String path) {
        return URI.create("http://127.0.0.1:" + node.apiPort() + path);
    }

    HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    PrometheusScrape scrape() throws Exception {
        HttpResponse<String> response = get(apiUri("/metrics"));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        return new PrometheusScrape(response.body());
    }

    /** Scrapes until {@code condition} holds (at most 10 s): some counters settle after the response. */
    PrometheusScrape scrapeUntil(Predicate<PrometheusScrape> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        PrometheusScrape last = scrape();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("metrics never reached the expected state:\n" + last);
            }
            Thread.sleep(20);
            last = scrape();
        }
        return last;
    }

    String authorize(String client) throws Exception {
        HttpResponse<String> response = post(apiUri("/authorize/" + SECRET + "/" + client),
                "{\"callback\":\"" + callbacks.uri("/cb") + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        return ApiJson.GSON.fromJson(response.body(), AuthorizeResponse.class).socketId();
    }

    String poll(String socket, String session) throws Exception {
        HttpResponse<String> response = post(publicUri("/" + socket + "/000/" + session + "/xhr"), "");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    int publish(String path, String message) throws Exception {
        return post(apiUri("/publish/" + path), "{\"message\":\"" + message + "\"}").statusCode();
    }

    /**
     * The whole flow, asserting each step's effect on the metrics: the values start at zero on a
     * fresh node, so every expected value is exact.
     */
    void sessionPublishesAndCallbacksShowInMetrics() throws Exception {
        PrometheusScrape before = scrape();
        assertEquals(0, before.value("ws_sessions_opened_total", "transport=xhr", "node=metrics-node"));
        assertEquals(0, before.value("ws_messages_in_total"));
        for (String reason : List.of("too_many_sessions", "opening_too_fast", "socket_unknown", "store_unavailable")) {
            assertEquals(0, before.value("ws_sessions_refused_total", "reason=" + reason), reason);
        }
        assertTrue(before.has("jvm_memory_used_bytes"), "JVM metrics are still there");

        String socket = authorize("user-1");
        assertEquals("o\n", poll(socket, "s1"));
        PrometheusScrape opened = scrape();
        assertEquals(1, opened.value("ws_sessions_opened_total", "transport=xhr"));
        assertEquals(0, opened.value("ws_sessions_opened_total", "transport=websocket"));
        // The opening poll took the session's receiver slot (and let it go with its answer).
        assertEquals(1, opened.value("ws_receivers_taken_total", "transport=xhr"));

        // A browser message, taken by the application's callback.
        assertEquals(204, post(publicUri("/" + socket + "/000/s1/xhr_send"), "[\"hello\",\"world\"]").statusCode());
        PrometheusScrape sent = scrapeUntil(s -> s.value("ws_callback_delivered_total") == 2);
        assertEquals(2, sent.value("ws_messages_in_total"));
        assertEquals(2, sent.value("ws_callback_calls_total"));
        assertEquals(0, sent.value("ws_callback_retries_total"));
        assertEquals(2, sent.value("ws_callback_latency_seconds_count", "application=demo", "status=2xx"));

        // Publishes: one queued and polled, one to a full queue, two to nobody.
        assertEquals(200, publish(socket + "/s1", "m1"));
        assertEquals(429, publish(socket + "/s1", "m2"));
        assertEquals(404, publish(SocketIds.next(), "m3"));
        assertEquals(404, publish(socket + "/no-such-session", "m4"));
        assertEquals("a[\"m1\"]\n", poll(socket, "s1"));
        PrometheusScrape published = scrape();
        assertEquals(1, published.value("ws_publish_seconds_count", "outcome=ok"));
        assertEquals(1, published.value("ws_publish_seconds_count", "outcome=queue_full"));
        assertEquals(2, published.value("ws_publish_seconds_count", "outcome=not_found"));
        assertEquals(0, published.value("ws_publish_seconds_count", "outcome=error"));
        assertEquals(1, published.value("ws_queue_overflows_total"));
        // Only the queued publish is measured, its queue holding just that message.
        assertEquals(1, published.value("ws_session_queue_depth_count"));
        assertEquals(1, published.value("ws_session_queue_depth_sum"));
        assertEquals(1, published.value("ws_session_queue_depth_bucket", "le=1.0"));
        assertEquals(1, published.value("ws_messages_out_total"));
        assertEquals(2, published.value("ws_receivers_taken_total", "transport=xhr"));
        assertTrue(published.has("ws_publish_seconds_bucket", "outcome=ok", "le=0.001"), "SLO buckets");

        // A held poll is an open session on this node until its client goes away.
        try (Socket held = new Socket("127.0.0.1", node.publicPort())) {
            OutputStream out = held.getOutputStream();
            out.write(("POST /" + socket + "/000/s1/xhr HTTP/1.1\r\nHost: node\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            scrapeUntil(s -> s.value("ws_sessions_open", "transport=xhr") == 1
                    && s.value("ws_receivers_taken_total", "transport=xhr") == 3);
        }
        PrometheusScrape interrupted = scrapeUntil(s -> s.value("ws_sessions_closed_total", "reason=interrupted") == 1
                && s.value("ws_sessions_open", "transport=xhr") == 0);
        assertEquals(0, interrupted.value("ws_sessions_closed_total", "reason=closed"));

        // A websocket session: open while connected, ended with its connection.
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket websocket = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + node.publicPort() + "/" + socket + "/000/w1/websocket"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertEquals("o", frames.poll(10, TimeUnit.SECONDS));
        websocket.sendText("[\"over websocket\"]", true).get(10, TimeUnit.SECONDS);
        PrometheusScrape connected = scrapeUntil(s -> s.value("ws_callback_delivered_total") == 3);
        assertEquals(1, connected.value("ws_sessions_open", "transport=websocket"));
        assertEquals(1, connected.value("ws_sessions_opened_total", "transport=websocket"));
        assertEquals(3, connected.value("ws_messages_in_total"));
        assertEquals(200, publish(socket + "/w1", "to websocket"));
        assertEquals("a[\"to websocket\"]", frames.poll(10, TimeUnit.SECONDS));
        assertEquals(2, scrape().value("ws_messages_out_total"));
        websocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        // Both conditions in one scrape: a scrape is not atomic, it may read the gauge before the end and the counter after.
        scrapeUntil(s -> s.value("ws_sessions_closed_total", "reason=websocket_ended") == 1
                && s.value("ws_sessions_open", "transport=websocket") == 0);

        // A callback the application never takes: retried, then given up when the budget is spent.
        String other = authorize("user-2");
        assertEquals("o\n", poll(other, "s2"));
        assertEquals(204, post(publicUri("/" + other + "/000/s2/xhr_send"), "[\"fail\"]").statusCode());
        PrometheusScrape failed = scrapeUntil(s -> s.value("ws_callback_failures_total") == 1);
        assertTrue(failed.value("ws_callback_retries_total") >= 1, failed.toString());
        assertTrue(failed.value("ws_callback_latency_seconds_count", "application=demo", "status=5xx") >= 2);
        assertEquals(2, failed.value("ws_sessions_opened_total", "transport=xhr"));

        // A revoke closes the third client's open session.
        String third = authorize("user-3");
        assertEquals("o\n", poll(third, "s3"));
        // The open frame goes out only once the session is in its socket's index: the revoke finds it there.
        assertTrue(post(apiUri("/publish/" + third), "{\"message\":\"probe\"}").body().contains("\"sessions\":1"));
        HttpResponse<String> revoked = http.send(HttpRequest.newBuilder(apiUri("/authorize/" + SECRET + "/user-3"))
                .DELETE().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(1, scrape().value("ws_sessions_closed_total", "reason=revoked"));

        // Nobody polls the second session again: it expires after the disconnect delay.
        PrometheusScrape expired = scrapeUntil(s -> s.value("ws_sessions_closed_total", "reason=expired") == 1);
        assertEquals(0, expired.value("ws_sessions_closed_total", "reason=closed"));
        assertEquals(1, expired.value("ws_sessions_closed_total", "reason=interrupted"));
    }

    /**
     * A publish, a scrape and a publish pipelined on one API connection: answered in that order, the
     * scrape counting the first publish (the node is started).
     */
    void pipelinedScrapeIsAnsweredBetweenThePublishesAroundItAndCountsTheOneBefore() throws Exception {
        String socket = authorize("pipelined");
        String publish = "POST /publish/" + socket + " HTTP/1.1\r\nHost: n\r\nContent-Type: application/json\r\n"
                + "Content-Length: 15\r\n\r\n{\"message\":\"m\"}";
        try (Socket connection = new Socket("127.0.0.1", node.apiPort())) {
            connection.setSoTimeout(10_000);
            connection.getOutputStream().write((publish + "GET /metrics HTTP/1.1\r\nHost: n\r\n\r\n" + publish)
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = connection.getInputStream();
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(readResponse(in));
            }
            assertTrue(answers.get(0).contains("application/json"), "the first publish first: " + head(answers.get(0)));
            assertTrue(answers.get(1).contains("text/plain"), "the scrape second: " + head(answers.get(1)));
            assertTrue(answers.get(2).contains("application/json"), "the second publish last: " + head(answers.get(2)));
            PrometheusScrape between = new PrometheusScrape(answers.get(1).substring(answers.get(1).indexOf("\r\n\r\n") + 4));
            double published = between.value("ws_publish_seconds_count", "outcome=ok")
                    + between.value("ws_publish_seconds_count", "outcome=not_found");
            assertEquals(1, published, "the scrape counts the publish before it, not the one after");
        }
    }

    private static String head(String response) {
        return response.substring(0, response.indexOf("\r\n\r\n"));
    }

    /** One response, head and body (by its Content-Length), as ASCII/UTF-8 text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}

package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.testing.NodeApi;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A publish retried with its request id (Idempotency-Key) is answered from the store's memory of
 * the first and queues nothing: it must not be charged to the application's publish budget again.
 * An application with a budget of about two publishes retries one publish {@value #RETRIES} times
 * and is never refused (single and batch), while distinct publishes are refused once the budget is
 * spent; on both engines, Redis a real one. Before the store reported repeats, the third retry got
 * 429 {@code too_many_publish_bytes}.
 */
class PublishRetryBudgetTest {

    private static final String SECRET = "retry-budget-secret-0123";
    private static final int RETRIES = 20;
    /** To a socket of two sessions: reserves and queues 1,000 of the budget's 2,048 bytes. */
    private static final String MESSAGE = "m".repeat(500);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void onTheMemoryEngineRetriesAreChargedOnce() throws Exception {
        try (WsNode node = start(List.of())) {
            retriesAreChargedOnce(node);
        }
    }

    @Test
    void onRedisRetriesAreChargedOnce() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                WsNode node = start(List.of("--redis-url=" + redis.url(),
                        "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("retry")))) {
            retriesAreChargedOnce(node);
        }
    }

    private void retriesAreChargedOnce(WsNode node) throws Exception {
        String socket = NodeApi.authorize(http, node.apiPort(), SECRET, "retrier");
        for (String session : new String[] {"s1", "s2"}) {
            assertEquals("o\n", poll(node, socket, session));
        }
        String single = "{\"message\":\"" + MESSAGE + "\"}";
        String batch = "{\"targets\":[{\"socket_id\":\"" + socket + "\"}],\"message\":\"" + MESSAGE + "\"}";
        HttpResponse<String> first = publish(node, "/publish/" + socket, single, "retry-1");
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("{\"sessions\":2,\"queue_full\":0}", first.body());
        HttpResponse<String> firstBatch = publish(node, "/publish", batch, "retry-2");
        assertEquals(200, firstBatch.statusCode(), firstBatch.body());
        for (int i = 0; i < RETRIES; i++) {
            HttpResponse<String> again = publish(node, "/publish/" + socket, single, "retry-1");
            assertEquals(200, again.statusCode(), "retry " + i + ": " + again.body());
            assertEquals(first.body(), again.body(), "retry " + i);
            HttpResponse<String> batchAgain = publish(node, "/publish", batch, "retry-2");
            assertEquals(200, batchAgain.statusCode(), "batch retry " + i + ": " + batchAgain.body());
            assertEquals(firstBatch.body(), batchAgain.body(), "batch retry " + i);
        }
        assertEquals("a[\"" + MESSAGE + "\",\"" + MESSAGE + "\"]\n", poll(node, socket, "s1"),
                "each publish queued once, however often retried");

        // Distinct publishes are charged: at most one more passes (the budget still held 48 bytes).
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(publish(node, "/publish/" + socket, single, "distinct-" + i).statusCode());
        }
        assertTrue(statuses.contains(429) && statuses.indexOf(429) <= 1, "distinct publishes answered " + statuses);
    }

    private static WsNode start(List<String> engine) throws Exception {
        List<String> args = new ArrayList<>(List.of("--node-id=retry-budget", "--warmup-connects=0",
                "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0", "--applications=app:" + SECRET,
                "--callback-allow-networks=127.0.0.0/8", "--max-message-bytes=1024", "--sessions-per-socket=2",
                "--max-application-publish-bytes-per-second=1", "--application-publish-byte-burst=2048"));
        args.addAll(engine);
        return WsNode.start(NodeConfig.from(Settings.load(args.toArray(String[]::new), Map.of())));
    }

    private HttpResponse<String> publish(WsNode node, String path, String body, String requestId) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + path))
                .header("Authorization", "Bearer " + SECRET).header("Idempotency-Key", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One xhr poll of the session: its open frame first, then what was queued. */
    private String poll(WsNode node, String socket, String session) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.publicPort() + "/" + socket
                        + "/000/" + session + "/xhr")).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}

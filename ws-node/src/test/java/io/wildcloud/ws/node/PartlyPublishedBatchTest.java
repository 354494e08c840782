package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A batch publish goes to Redis as one script run per 1 MiB of messages (and per 256 targets, per
 * Cluster slot): a later run can be refused while an earlier one queued. Here a real Redis with
 * {@code maxmemory} (and {@code noeviction}, its default) just above what it holds: the first run
 * of {@value #TARGETS} publishes of 60 KB to a socket of {@value #SESSIONS} sessions queues 16 MB,
 * and the second is refused with OOM. Before, the whole batch was answered 507 "nothing was
 * queued" and its charge refunded whole, though the first run's messages were delivered; now the
 * answer is 200 with each target's outcome (the refused ones {@code store_full}), and the
 * application's publish budget keeps what was queued.
 */
class PartlyPublishedBatchTest {

    private static final String SECRET = "partly-published-secret-0123";
    private static final int SESSIONS = 16;
    private static final int TARGETS = 20;
    private static final int MESSAGE_CHARS = 60_000;
    /** Runs take at most 1 MiB of messages: 17 of the 60 KB ones. */
    private static final int FIRST_RUN = (1 << 20) / MESSAGE_CHARS;
    private static final long BURST = 20_000_000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aBatchWhoseLaterRunIsRefusedAnswersEachTargetAndKeepsTheChargeOfWhatWasQueued() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                WsNode node = WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=partly",
                        "--warmup-connects=0", "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0",
                        "--applications=app:" + SECRET, "--callback-allow-networks=127.0.0.0/8",
                        "--redis-url=" + redis.url(), "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("partly"),
                        "--max-message-bytes=262144", "--sessions-per-socket=" + SESSIONS,
                        "--max-application-publish-bytes-per-second=1", "--application-publish-byte-burst=" + BURST},
                        Map.of())))) {
            String socket = NodeApi.authorize(http, node.apiPort(), SECRET, "batcher");
            for (int i = 0; i < SESSIONS; i++) {
                assertEquals("o\n", poll(node, socket, "s" + i));
            }
            StringBuilder batch = new StringBuilder("{\"messages\":[");
            for (int i = 0; i < TARGETS; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"socket_id\":\"").append(socket).append("\",\"message\":\"")
                        .append(message(i)).append("\"}");
            }
            batch.append("]}");
            // Room for the batch's command in Redis's query buffer, not for what its first run queues.
            redis.command("CONFIG", "SET", "maxmemory", String.valueOf(redis.usedMemory() + (4L << 20)));
            HttpResponse<String> answer;
            try {
                answer = post(node, "/publish", batch.toString());
            } finally {
                redis.command("CONFIG", "SET", "maxmemory", "0");
            }

            assertEquals(200, answer.statusCode(), answer.body());
            JsonObject body = JsonParser.parseString(answer.body()).getAsJsonObject();
            JsonArray results = body.getAsJsonArray("results");
            for (int i = 0; i < TARGETS; i++) {
                JsonObject result = results.get(i).getAsJsonObject();
                if (i < FIRST_RUN) {
                    assertEquals(SESSIONS, result.get("sessions").getAsInt(), "target " + i + ": " + result);
                } else {
                    assertEquals("store_full", result.get("error").getAsString(), "target " + i + ": " + result);
                    assertTrue(result.get("message").getAsString().contains("nothing was queued for it"), result.toString());
                }
            }
            assertEquals(TARGETS - FIRST_RUN, body.get("failed").getAsInt());
            assertEquals(FIRST_RUN * SESSIONS, body.get("sessions").getAsInt());
            // What the answer says is what a session received.
            String received = poll(node, socket, "s0");
            for (int i = 0; i < TARGETS; i++) {
                assertEquals(i < FIRST_RUN, received.contains(message(i)), "message " + i + " received");
            }

            // The charge kept the 16 MB queued: the 20 MB burst has room for about 4 more publishes
            // of 60 KB to the socket's 16 sessions (refunded whole, it had room for 20).
            int published = 0;
            HttpResponse<String> single;
            while ((single = post(node, "/publish/" + socket, "{\"message\":\"" + message(100 + published) + "\"}"))
                    .statusCode() == 200) {
                published++;
                assertFalse(published > 6, published + " publishes of 960 KB after the batch");
            }
            assertEquals(429, single.statusCode(), single.body());
            long left = BURST - (long) FIRST_RUN * SESSIONS * MESSAGE_CHARS;
            assertEquals((left + SESSIONS * MESSAGE_CHARS - 1) / ((long) SESSIONS * MESSAGE_CHARS), published,
                    "publishes the budget let through after the batch");
        }
    }

    private static String message(int index) {
        String head = "message-" + index + "-";
        return head + "m".repeat(MESSAGE_CHARS - head.length());
    }

    private HttpResponse<String> post(WsNode node, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + path))
                .header("Authorization", "Bearer " + SECRET).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String poll(WsNode node, String socket, String session) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.publicPort() + "/" + socket
                        + "/000/" + session + "/xhr")).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}

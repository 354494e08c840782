package io.wildcloud.ws.it.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store's errors against {@code docs/openapi.yaml}: a node on the Redis engine whose own
 * redis-server (started here, stopped by PID) fills up (507 {@code store_full}), stalls (503
 * {@code store_timeout} on a publish, 503 on {@code /health/ready} with its problem) and goes away
 * (503 {@code store_unavailable}). Each answer must be one the document lists for its operation,
 * with a body its schema accepts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenApiStoreErrorsTest {

    private static final String SECRET = "openapi-store-secret-0123";
    private static final String CALLBACK = "{\"callback\":\"https://app.example/ws/callback\"}";
    private static final String AUTHORIZE = "/authorize/{application_id}/{client_id}";
    private static final String PUBLISH = "/publish/{socket_id}";
    private static final String PUBLISH_ONE = "/publish/{socket_id}/{session_id}";
    private static final String BATCH = "/publish";

    private final OpenApiSpec spec = OpenApiSpec.load();
    /** Long enough for a publish the node retries for 3 x 3 s. */
    private final Http http = new Http(Duration.ofSeconds(40));
    private RedisServerProcess redis;
    private WsNode node;

    @BeforeEach
    void start() throws InterruptedException {
        redis = RedisServerProcess.start();
        node = WsNode.start(NodeConfig.builder()
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .set("applications", "store:" + SECRET)
                .set("redis-url", redis.url())
                .set("redis-key-prefix", RedisTestServer.newKeyPrefix("openapi"))
                .build());
    }

    @AfterEach
    void stop() {
        if (redis != null && redis.isAlive()) {
            redis.resume();
        }
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aFullAStalledAndAGoneStoreAnswerAsTheDocumentSays() throws Exception {
        String socketId = socketOf("alice");
        assertEquals("o\n", http.post(publicUrl(socketId, "s1", "xhr")).bodyText());
        check("GET", "/health/ready", http.get(api("/health/ready")), 200);

        // Full: Redis at maxmemory (noeviction) refuses every write.
        RedisProbe.command(redis.host(), redis.port(), "CONFIG", "SET", "maxmemory", "1");
        expect(507, "store_full", "POST", PUBLISH, publish(socketId, null));
        expect(507, "store_full", "POST", PUBLISH_ONE, publish(socketId, "s1"));
        expect(507, "store_full", "POST", AUTHORIZE, authorize("POST", "bob", CALLBACK));
        expect(507, "store_full", "POST", BATCH, publishBatch(socketId));
        await("/health/ready says the store is full", () -> http.get(api("/health/ready")).status() == 503);
        check("GET", "/health/ready", http.get(api("/health/ready")), 503);
        check("GET", "/health", http.get(api("/health")), 503);
        check("GET", "/health/live", http.get(api("/health/live")), 200);
        RedisProbe.command(redis.host(), redis.port(), "CONFIG", "SET", "maxmemory", "0");
        await("publishes succeed again", () -> publish(socketId, null).status() == 200);

        // Stalled: the publish gets no answer within the node's retries; the outcome is unknown.
        // (Without a request id: with one, its count goes first and gets no answer, so nothing was
        // published: store_unavailable, as below.)
        redis.suspend();
        expect(503, "store_timeout", "POST", PUBLISH, publish(socketId, null));
        expect(503, "store_timeout", "POST", BATCH, publishBatch(socketId));
        expect(503, "store_unavailable", "POST", PUBLISH, publish(socketId, null, "Idempotency-Key", "stalled-1"));
        check("GET", "/health/ready", http.get(api("/health/ready")), 503);
        redis.resume();
        await("publishes succeed again", () -> publish(socketId, null).status() == 200);

        // Gone: nothing can be done.
        redis.close();
        expect(503, "store_unavailable", "DELETE", AUTHORIZE, authorize("DELETE", "alice", null));
        expect(503, "store_unavailable", "POST", PUBLISH, publish(socketId, null));
        expect(503, "store_unavailable", "POST", BATCH, publishBatch(socketId));
    }

    @Test
    void aBatchWhoseLaterRunIsRefusedAnswersEachTargetAsTheDocumentSays() throws Exception {
        // A batch runs as one script per 256 targets: the first run's 256 messages of 1,000 B to a
        // socket of 16 sessions queue 4 MB, over maxmemory, and the second run is refused.
        String socketId = socketOf("carol");
        for (int i = 0; i < 16; i++) {
            assertEquals("o\n", http.post(publicUrl(socketId, "s" + i, "xhr")).bodyText());
        }
        StringBuilder batch = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < 300; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"socket_id\":\"").append(socketId)
                    .append("\",\"message\":\"").append("m".repeat(1000)).append("\"}");
        }
        batch.append("]}");
        RedisProbe.command(redis.host(), redis.port(), "CONFIG", "SET", "maxmemory",
                String.valueOf(redis.usedMemory() + (2L << 20)));
        RawResponse answer;
        try {
            answer = http.post(api(BATCH), batch.toString());
        } finally {
            RedisProbe.command(redis.host(), redis.port(), "CONFIG", "SET", "maxmemory", "0");
        }
        check("POST", BATCH, answer, 200);
        assertTrue(answer.bodyText().startsWith("{\"sessions\":" + 256 * 16 + ",\"queue_full\":0,\"failed\":44,"),
                answer.bodyText());
        assertTrue(answer.bodyText().contains("\"error\":\"store_full\""), answer.bodyText());
    }

    private void expect(int status, String error, String method, String path, RawResponse answer) {
        check(method, path, answer, status);
        assertTrue(answer.bodyText().contains("\"error\":\"" + error + "\""), answer.toString());
    }

    private void check(String method, String path, RawResponse answer, int status) {
        assertEquals(status, answer.status(), method + " " + path + ": " + answer);
        spec.assertOperationAnswer(method, path, answer);
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100); // the pace of the polling, not a wait for the condition
        }
    }

    private String socketOf(String client) {
        RawResponse answer = authorize("POST", client, CALLBACK);
        assertEquals(200, answer.status(), answer.toString());
        return JsonMapper.builder().build().readTree(answer.bodyText()).get("socket_id").asString();
    }

    private RawResponse authorize(String method, String client, String body) {
        return http.request(method, api("/authorize/" + SECRET + "/" + client),
                body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private RawResponse publish(String socketId, String sessionId, String... headers) {
        return http.post(api("/publish/" + socketId + (sessionId == null ? "" : "/" + sessionId)),
                "{\"message\":\"m\"}", headers);
    }

    private RawResponse publishBatch(String socketId, String... headers) {
        return http.post(api("/publish"), "{\"targets\":[{\"socket_id\":\"" + socketId + "\"},{\"socket_id\":\""
                + socketId + "\",\"session_id\":\"s1\"}],\"message\":\"m\"}", headers);
    }

    private String api(String path) {
        return "http://127.0.0.1:" + node.apiPort() + path;
    }

    private String publicUrl(String socketId, String sessionId, String transport) {
        return "http://127.0.0.1:" + node.publicPort() + "/" + socketId + "/000/" + sessionId + "/" + transport;
    }
}

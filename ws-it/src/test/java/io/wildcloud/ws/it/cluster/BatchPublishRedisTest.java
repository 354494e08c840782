package io.wildcloud.ws.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /publish} (a batch) on the Redis engine, across nodes: sessions polled on node A, the
 * batch sent to node B's API. Every per-target outcome, the delivered bytes, a request-id replay,
 * the order among single publishes and the bearer check, on a real Redis of its own.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BatchPublishRedisTest {

    private static final String SECRET = "batch-redis-secret-0123";
    private static final String OTHER_SECRET = "batch-redis-other-0123";
    private static final String CALLBACK = "{\"callback\":\"https://app.example/ws/callback\"}";

    private final Http http = new Http(Duration.ofSeconds(20));
    private RedisServerProcess redis;
    private WsNode a;
    private WsNode b;

    @BeforeEach
    void start() throws InterruptedException {
        redis = RedisServerProcess.start();
        String prefix = RedisTestServer.newKeyPrefix("batch");
        a = node(prefix);
        b = node(prefix);
    }

    private WsNode node(String prefix) throws InterruptedException {
        return WsNode.start(NodeConfig.builder()
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .set("applications", "app:" + SECRET + ",other:" + OTHER_SECRET)
                .set("redis-url", redis.url())
                .set("redis-key-prefix", prefix)
                .set("max-queued-messages", "2")
                .build());
    }

    @AfterEach
    void stop() {
        for (WsNode node : new WsNode[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void everyOutcomeAcrossNodesOnRedis() {
        String alice = socketOf(SECRET, "alice");
        String bob = socketOf(SECRET, "bob");
        String other = socketOf(OTHER_SECRET, "olga");
        assertEquals("o\n", poll(alice, "s1"));
        assertEquals("o\n", poll(alice, "s2"));
        assertEquals("o\n", poll(bob, "b1"));
        for (String fill : new String[] {"f1", "f2"}) {
            assertEquals(200, http.post(api(a, "/publish/" + bob), "{\"message\":\"" + fill + "\"}").status());
        }
        String unknown = "U".repeat(32);
        String body = "{\"targets\":[{\"socket_id\":\"" + alice + "\"},{\"socket_id\":\"" + bob + "\"},{\"socket_id\":\""
                + unknown + "\"},{\"socket_id\":\"bad\"},{\"socket_id\":\"" + alice + "\",\"session_id\":\"s1\"},"
                + "{\"socket_id\":\"" + alice + "\",\"session_id\":\"zz\"}],\"message\":\"hi\"}";
        String expected = "{\"sessions\":3,\"queue_full\":1,\"failed\":3,\"results\":["
                + "{\"socket_id\":\"" + alice + "\",\"sessions\":2,\"queue_full\":0},"
                + "{\"socket_id\":\"" + bob + "\",\"sessions\":0,\"queue_full\":1},"
                + "{\"socket_id\":\"" + unknown + "\",\"error\":\"socket_not_found\"},"
                + "{\"socket_id\":\"bad\",\"error\":\"socket_not_found\"},"
                + "{\"socket_id\":\"" + alice + "\",\"session_id\":\"s1\",\"sessions\":1,\"queue_full\":0},"
                + "{\"socket_id\":\"" + alice + "\",\"session_id\":\"zz\",\"error\":\"session_not_found\"}]}";
        RawResponse first = http.post(api(b, "/publish"), body, "Idempotency-Key", "room-1");
        assertEquals(200, first.status(), first.toString());
        assertEquals(expected, first.bodyText());
        assertEquals(expected, http.post(api(a, "/publish"), body, "Idempotency-Key", "room-1").bodyText(),
                "a retry on another node is answered as the first, and queues nothing");
        assertEquals("a[\"hi\",\"hi\"]\n", poll(alice, "s1"));
        assertEquals("a[\"hi\"]\n", poll(alice, "s2"));
        assertEquals("a[\"f1\",\"f2\"]\n", poll(bob, "b1"));

        // Order among single publishes, the three sent to different nodes one after another.
        assertEquals(200, http.post(api(a, "/publish/" + alice + "/s2"), "{\"message\":\"1\"}").status());
        assertEquals(200, http.post(api(b, "/publish"), "{\"messages\":[{\"socket_id\":\"" + alice
                + "\",\"session_id\":\"s2\",\"message\":\"2\"}]}").status());
        assertEquals("a[\"1\",\"2\"]\n", poll(alice, "s2"));

        // A bearer token that does not own every live target: 403, and nothing published.
        RawResponse refused = http.post(api(b, "/publish"), "{\"targets\":[{\"socket_id\":\"" + alice
                + "\"},{\"socket_id\":\"" + other + "\"}],\"message\":\"no\"}", "Authorization", "Bearer " + SECRET);
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("{\"error\":\"wrong_application\",\"message\":\"The Authorization header names another"
                + " application than the one this socket or URL belongs to; use that application's secret.\"}",
                refused.bodyText());
        assertEquals(200, http.post(api(b, "/publish/" + alice + "/s1"), "{\"message\":\"after\"}").status());
        assertEquals("a[\"after\"]\n", poll(alice, "s1"), "the refused batch published nothing");
    }

    private String socketOf(String secret, String client) {
        RawResponse answer = http.post(api(a, "/authorize/" + secret + "/" + client), CALLBACK);
        assertEquals(200, answer.status(), answer.toString());
        return JsonMapper.builder().build().readTree(answer.bodyText()).get("socket_id").asString();
    }

    private String poll(String socketId, String sessionId) {
        return http.post("http://127.0.0.1:" + a.publicPort() + "/" + socketId + "/000/" + sessionId + "/xhr")
                .bodyText();
    }

    private static String api(WsNode node, String path) {
        return "http://127.0.0.1:" + node.apiPort() + path;
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client message limit ({@code max-client-messages-per-second}, {@code client-message-burst})
 * on the Redis engine, two nodes on one Redis as behind a round-robin balancer: an {@code xhr_send}
 * over the burst is answered 429 and closes the session in Redis, so that the next poll, on either
 * node, gets {@code c[4429,...]}; a send over the burst to a session that does not exist is a
 * missing session's 404, as any send to one is. (ClientMessageLimitTest covers the memory engine.)
 */
class ClientMessageLimitOnRedisTest {

    private static final String SECRET = "limit-secret-0123456789";
    private static final String CLOSE_FRAME = "c[4429,\"Too many messages: at most 10 a second, 20 at once\"]\n";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RedisServerProcess redis;
    private CallbackServer callbacks;
    private WsNode first;
    private WsNode second;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        callbacks = new CallbackServer();
        String prefix = RedisTestServer.newKeyPrefix("limit");
        first = startNode("limit-a", prefix);
        second = startNode("limit-b", prefix);
    }

    private WsNode startNode(String nodeId, String prefix) throws InterruptedException {
        return WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=" + nodeId, "--warmup-connects=0",
            "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0", "--applications=demo:" + SECRET,
            "--callback-allow-networks=127.0.0.0/8", "--disconnect-delay=60s", "--redis-url=" + redis.url(),
            "--redis-key-prefix=" + prefix, "--max-client-messages-per-second=10", "--client-message-burst=20"},
                Map.of())));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable part : new AutoCloseable[] {second, first, callbacks, redis}) {
            if (part != null) {
                part.close();
            }
        }
    }

    @Test
    void anXhrSendOverTheBurstIsAnswered429AndTheNextPollOnEitherNodeGets4429() throws Exception {
        String socket = authorize("flood");
        assertEquals("o\n", post(first, "/" + socket + "/000/s1/xhr", "").body());
        // Under the burst: taken, one callback a message.
        assertEquals(204, post(first, "/" + socket + "/000/s1/xhr_send", frameOf(5)).statusCode());

        HttpResponse<String> over = post(first, "/" + socket + "/000/s1/xhr_send", frameOf(21));
        assertEquals(429, over.statusCode(), over.body());
        assertTrue(over.body().contains("too_many_messages") && over.body().contains("20 at once"), over.body());
        // Closed in Redis: the other node's poll gets the close frame, and so does the first's after it.
        assertEquals(CLOSE_FRAME, post(second, "/" + socket + "/000/s1/xhr", "").body());
        assertEquals(CLOSE_FRAME, post(first, "/" + socket + "/000/s1/xhr", "").body());
        assertEquals(5, callbacks.received().size(), "callbacks: the frame under the burst's alone");
    }

    @Test
    void aSendOverTheBurstToAMissingSessionIs404() throws Exception {
        String socket = authorize("missing");
        HttpResponse<String> answer = post(first, "/" + socket + "/000/nosuch/xhr_send", frameOf(21));
        assertEquals(404, answer.statusCode(), answer.body());
        // Nothing was made of it: a poll opens a new session under that id.
        assertEquals("o\n", post(second, "/" + socket + "/000/nosuch/xhr", "").body());
    }

    /** {@code [0,0,...]}: {@code count} messages of one character each, in one frame. */
    private static String frameOf(int count) {
        return "[" + String.join(",", Collections.nCopies(count, "0")) + "]";
    }

    private String authorize(String client) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + first.apiPort() + "/authorize/" + SECRET + "/" + client))
                .POST(HttpRequest.BodyPublishers.ofString("{\"callback\":\"" + callbacks.uri("/cb") + "\"}"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return ApiJson.GSON.fromJson(response.body(), AuthorizeResponse.class).socketId();
    }

    private HttpResponse<String> post(WsNode node, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.publicPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

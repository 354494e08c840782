package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.testmode.ProtocolTestEndpoints;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisTestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The SockJS layer on the Redis store across two nodes (two Netty servers, two stores, one Redis):
 * each request of a session lands on either node, as behind a round-robin balancer.
 */
class RedisTwoNodesSockJsTest {

    @AutoClose
    private final Closing cleanup = new Closing();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String[] nodes = new String[2];
    private final RedisEngineConfig config;

    RedisTwoNodesSockJsTest(TestInfo test) throws Exception {
        config = RedisSessionStoreTest.testConfig(RedisTestServer.shared().url(),
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()))
                .withMaxQueueLength(1000);
        for (int i = 0; i < 2; i++) {
            RedisEngine store = TestEngines.connect(config, "node" + i).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            cleanup.add(store);
            nodes[i] = serve(store);
        }
    }

    private String serve(RedisEngine store) throws InterruptedException {
        return SockJsTestPorts.serve(new SockJsHandler(new ProtocolTestEndpoints(SockJsOptions.defaults()), store,
                store.nodeId()), cleanup);
    }

    private CompletableFuture<HttpResponse<String>> post(int node, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(nodes[node] + path))
                .timeout(Duration.ofSeconds(10))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postNow(int node, String path, String body) throws Exception {
        return post(node, path, body).get(10, TimeUnit.SECONDS);
    }

    @Test
    void xhrPollingSessionMovesBetweenNodesWithEveryRequest() throws Exception {
        assertEquals("o\n", postNow(0, "/echo/000/s1/xhr", null).body());
        assertEquals(204, postNow(1, "/echo/000/s1/xhr_send", "[\"one\",\"two\"]").statusCode());
        assertEquals("a[\"one\",\"two\"]\n", postNow(1, "/echo/000/s1/xhr", null).body());
        // A poll held on node 0 is woken by a message sent through node 1.
        CompletableFuture<HttpResponse<String>> held = post(0, "/echo/000/s1/xhr", null);
        awaitHolder("s1", "node0:");
        assertEquals(204, postNow(1, "/echo/000/s1/xhr_send", "[\"three\"]").statusCode());
        assertEquals("a[\"three\"]\n", held.get(10, TimeUnit.SECONDS).body());
        // A second poll while one is held, on the other node: another connection still open.
        CompletableFuture<HttpResponse<String>> holding = post(1, "/echo/000/s1/xhr", null);
        awaitHolder("s1", "node1:");
        assertEquals("c[2010,\"Another connection still open\"]\n", postNow(0, "/echo/000/s1/xhr", null).body());
        assertEquals(204, postNow(0, "/echo/000/s1/xhr_send", "[\"four\"]").statusCode());
        assertEquals("a[\"four\"]\n", holding.get(10, TimeUnit.SECONDS).body());
    }

    @Test
    void backToBackPollsOnOneNodeWhileMessagesKeepComingRepeatNothingAndLoseNothing() throws Exception {
        // A poll with messages releases after its answer: the next poll, sent as soon as the answer
        // is read, may reach the node before that release. It must wait for it (busy, retried),
        // not take the slot over from the releasing receiver and get the same messages again.
        assertEquals("o\n", postNow(0, "/echo/000/b2b/xhr", null).body());
        int total = 300;
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < total; i++) {
                try {
                    assertEquals(204, postNow(1, "/echo/000/b2b/xhr_send", "[\"m" + i + "\"]").statusCode());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        List<String> received = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received.size() < total && System.nanoTime() < deadline) {
            String body = postNow(0, "/echo/000/b2b/xhr", null).body();
            assertTrue(body.startsWith("a[") || body.equals("h\n"), body);
            if (body.startsWith("a[")) {
                for (String message : body.substring(2, body.length() - 2).split(",")) {
                    received.add(message.replace("\"", ""));
                }
            }
        }
        producer.get(10, TimeUnit.SECONDS);
        assertEquals(java.util.stream.IntStream.range(0, total).mapToObj(i -> "m" + i).toList(), received);
    }

    /** Waits until a receiver of node {@code nodePrefix} holds the slot, as the session hash says. */
    private void awaitHolder(String sessionId, String nodePrefix) throws Exception {
        URI redis = URI.create(RedisTestServer.shared().url());
        String hash = config.keyPrefix() + "{echo}:s:" + sessionId;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String holder = null;
        while (System.nanoTime() < deadline) {
            holder = RedisProbe.command(redis.getHost(), redis.getPort(), "HGET", hash, "h");
            if (holder != null && holder.startsWith(nodePrefix)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("slot of " + sessionId + " not held by " + nodePrefix + " but by " + holder);
    }

    @Test
    void xhrStreamingOnOneNodeGetsMessagesSentThroughTheOther() throws Exception {
        assertEquals("o\n", postNow(1, "/echo/000/s2/xhr", null).body());
        HttpRequest request = HttpRequest.newBuilder(URI.create(nodes[0] + "/echo/000/s2/xhr_streaming"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = stream.body()) {
            String prelude = readLine(in);
            assertEquals(2048, prelude.length());
            for (int i = 0; i < 5; i++) {
                assertEquals(204, postNow(1, "/echo/000/s2/xhr_send", "[\"m" + i + "\"]").statusCode());
                assertEquals("a[\"m" + i + "\"]", readLine(in));
            }
        }
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        assertTrue(line.length() > 0, "stream ended");
        return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}

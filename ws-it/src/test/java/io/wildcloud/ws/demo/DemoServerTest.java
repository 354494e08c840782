package io.wildcloud.ws.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.common.client.CallbackVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo server's own logic over real HTTP: join authorizes server-side and never shows the
 * secret, a callback is trusted only when signed, a retried callback is published once. A small
 * recording HTTP server plays the node's API port; the browser tests cover the real node.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DemoServerTest {

    private static final String SECRET = "demo-test-secret-0123456789";

    private final List<String> apiRequests = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer api;
    private DemoServer demo;

    @BeforeEach
    void start() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        api.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getRawPath();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                apiRequests.add(path + " " + body);
                byte[] answer = (path.startsWith("/authorize/")
                        ? "{\"socket_id\":\"sock-" + path.substring(path.lastIndexOf('/') + 1) + "\"}"
                        : path.equals("/publish")
                        ? "{\"sessions\":1,\"queue_full\":0,\"failed\":0,\"results\":[{\"socket_id\":\"s\",\"sessions\":1,"
                                + "\"queue_full\":0}]}"
                        : "{\"sessions\":1,\"queue_full\":0}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        api.start();
        demo = DemoServer.start(new DemoSettings("127.0.0.1", 0, "http://127.0.0.1:9/", 
                URI.create("http://127.0.0.1:" + api.getAddress().getPort()), SECRET, URI.create("http://unused/")));
    }

    @AfterEach
    void stop() throws InterruptedException {
        demo.close();
        api.stop(0);
    }

    @Test
    void joinAuthorizesServerSideAndAnswersWithoutTheSecret() throws Exception {
        HttpResponse<String> joined = post("/join", "{\"name\":\"Ada\"}", null, null);
        assertEquals(200, joined.statusCode(), joined.body());
        assertFalse(joined.body().contains(SECRET), joined.body());
        JsonObject answer = JsonParser.parseString(joined.body()).getAsJsonObject();
        String client = answer.get("client").getAsString();
        assertEquals("sock-" + client, answer.get("socketId").getAsString());
        assertEquals("http://127.0.0.1:9/sock-" + client, answer.get("sockjsUrl").getAsString());
        assertEquals("http://127.0.0.1:9/sockjs-client/sockjs.min.js", answer.get("clientScript").getAsString());
        assertTrue(joined.headers().firstValue("Set-Cookie").orElse("").startsWith("wcdemo_visitor=" + client + ";"));

        assertEquals(1, apiRequests.size());
        assertEquals("/authorize/" + SECRET + "/" + client + " {\"callback\":\"http://127.0.0.1:" + demo.port()
                + "/callback\"}", apiRequests.get(0));
    }

    @Test
    void aNameIsRequired() throws Exception {
        assertEquals(400, post("/join", "{\"name\":\"  \"}", null, null).statusCode());
        assertEquals(List.of(), apiRequests);
    }

    @Test
    void onlySignedCallbacksArePublishedAndEachKeyOnce() throws Exception {
        String client = JsonParser.parseString(post("/join", "{\"name\":\"Ada\"}", null, null).body())
                .getAsJsonObject().get("client").getAsString();
        String body = "{\"message\":\"hi ✓\",\"session\":\"s1\",\"client\":\"" + client + "\"}";
        String signature = CallbackSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));

        assertEquals(401, post("/callback", body, null, "key-1").statusCode(), "unsigned");
        assertEquals(401, post("/callback", body, CallbackSignature.sign("other",
                body.getBytes(StandardCharsets.UTF_8)), "key-1").statusCode(), "signed with another secret");
        assertEquals(204, post("/callback", body, signature, "key-1").statusCode());
        assertEquals(204, post("/callback", body, signature, "key-1").statusCode(), "a retry is acknowledged");

        // The room is broadcast in one batch publish naming every visitor's socket.
        String publish = awaitRequest("/publish ");
        JsonObject batch = JsonParser.parseString(publish.substring(publish.indexOf(' ') + 1)).getAsJsonObject();
        assertEquals("[{\"socket_id\":\"sock-" + client + "\"}]", batch.get("targets").toString(), publish);
        JsonObject line = JsonParser.parseString(batch.get("message").getAsString()).getAsJsonObject();
        assertEquals("Ada", line.get("from").getAsString());
        assertEquals("hi ✓", line.get("text").getAsString());
        assertEquals("s1", line.get("session").getAsString());
        // The fan-out is one thread in order: a second, distinct line proves the retry was not published.
        String second = body.replace("hi ✓", "second");
        assertEquals(204, post("/callback", second, CallbackSignature.sign(SECRET,
                second.getBytes(StandardCharsets.UTF_8)), "key-2").statusCode());
        awaitRequestCount("/publish ", 2);
        assertEquals(2, apiRequests.stream().filter(r -> r.startsWith("/publish ")).count());
        assertTrue(apiRequests.stream().filter(r -> r.startsWith("/publish ")).toList().get(1).contains("second"));
    }

    private String awaitRequest(String prefix) throws InterruptedException {
        awaitRequestCount(prefix, 1);
        return apiRequests.stream().filter(r -> r.startsWith(prefix)).findFirst().orElseThrow();
    }

    private void awaitRequestCount(String prefix, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (apiRequests.stream().filter(r -> r.startsWith(prefix)).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + count + " requests " + prefix + " within 10 s: " + apiRequests);
            }
            Thread.sleep(20); // polling interval of a bounded wait
        }
    }

    private HttpResponse<String> post(String path, String body, String signature, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) {
            request.header(CallbackVerifier.SIGNATURE_HEADER, signature);
        }
        if (key != null) {
            request.header(CallbackVerifier.IDEMPOTENCY_KEY_HEADER, key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}

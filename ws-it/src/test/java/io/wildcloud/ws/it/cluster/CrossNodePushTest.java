package io.wildcloud.ws.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import io.wildcloud.ws.node.config.NodeConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The push service across nodes: the application authorizes through one node's API, the browser's
 * session lives on another, publishes go through a third, and the browser's messages reach the
 * application's callback once, whichever node received them.
 */
class CrossNodePushTest {

    private static final String SECRET = "it-secret-" + UUID.randomUUID().toString().replace("-", "");
    private static InProcessCluster cluster;
    private static HttpServer callbackServer;
    private static final BlockingQueue<JsonObject> callbacks = new LinkedBlockingQueue<>();

    private final Http http = new Http(Duration.ofSeconds(3));
    private String socketId;

    @BeforeAll
    static void start() throws Exception {
        callbackServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        callbackServer.createContext("/callback", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            callbacks.add(JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        callbackServer.start();
        cluster = InProcessCluster.start(3, NodeConfig.Mode.PUSH, Map.of("applications", "itapp:" + SECRET));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (callbackServer != null) {
            callbackServer.stop(0);
        }
    }

    @BeforeEach
    void authorize() {
        callbacks.clear();
        String callback = "http://127.0.0.1:" + callbackServer.getAddress().getPort() + "/callback";
        RawResponse response = http.post(cluster.apiUrl(0) + "/authorize/" + SECRET + "/client-" + UUID.randomUUID(),
                "{\"callback\":\"" + callback + "\"}", "Content-Type", "application/json");
        assertEquals(200, response.status(), response::toString);
        socketId = JsonParser.parseString(response.bodyText()).getAsJsonObject().get("socket_id").getAsString();
    }

    private String session(int node, String sessionId, String transport) {
        return cluster.publicUrl(node) + "/" + socketId + "/000/" + sessionId + "/" + transport;
    }

    private JsonObject publish(int node, String path, String message) {
        RawResponse response = http.post(cluster.apiUrl(node) + "/publish/" + path,
                "{\"message\":\"" + message + "\"}", "Content-Type", "application/json");
        assertEquals(200, response.status(), response::toString);
        return JsonParser.parseString(response.bodyText()).getAsJsonObject();
    }

    @Test
    void publishThroughAThirdNodeReachesAPollingSession() {
        String id = UUID.randomUUID().toString();
        assertEquals("o\n", http.post(session(1, id, "xhr")).bodyText());
        assertEquals(1, publish(2, socketId, "hello").get("sessions").getAsInt());
        assertEquals("a[\"hello\"]\n", http.post(session(0, id, "xhr")).bodyText());
    }

    @Test
    void socketPublishReachesEverySessionWhereverItsReceiverIs() {
        String streamed = UUID.randomUUID().toString();
        try (Http.Stream stream = http.open("POST", session(0, streamed, "xhr_streaming"));
             WsClient websocket = WsClient.connect(session(1, UUID.randomUUID().toString(), "websocket"),
                     Duration.ofSeconds(3))) {
            stream.nextChunk();
            assertEquals("o\n", stream.nextChunk());
            assertEquals("o", websocket.nextText());

            assertEquals(2, publish(2, socketId, "to-all").get("sessions").getAsInt());
            assertEquals("a[\"to-all\"]\n", stream.nextChunk());
            assertEquals("a[\"to-all\"]", websocket.nextText());

            // One session only: the other hears nothing of it, then both get the next socket publish.
            assertEquals(1, publish(1, socketId + "/" + streamed, "just-you").get("sessions").getAsInt());
            assertEquals("a[\"just-you\"]\n", stream.nextChunk());
            publish(0, socketId, "both");
            assertEquals("a[\"both\"]", websocket.nextText());
            assertEquals("a[\"both\"]\n", stream.nextChunk());
        }
    }

    @Test
    void heldPollIsWokenByAPublishThroughAnotherNode() throws InterruptedException {
        String id = UUID.randomUUID().toString();
        assertEquals("o\n", http.post(session(0, id, "xhr")).bodyText());
        int before = OpenConnections.of(http, cluster.apiUrl(1), "xhr");
        try (RawHttp held = http.sendOnly("POST", session(1, id, "xhr"))) {
            OpenConnections.awaitMoreThan(http, cluster.apiUrl(1), "xhr", before);
            publish(2, socketId + "/" + id, "wake");
            assertEquals("a[\"wake\"]\n", held.readResponse("POST").bodyText());
        }
    }

    @Test
    void browserMessagesReachTheCallbackOnceInOrderFromAnyNode() throws InterruptedException {
        String id = UUID.randomUUID().toString();
        assertEquals("o\n", http.post(session(0, id, "xhr")).bodyText());
        for (int i = 0; i < 6; i++) {
            assertEquals(204, http.post(session(i % 3, id, "xhr_send"), "[\"up" + i + "\"]").status());
        }
        for (int i = 0; i < 6; i++) {
            JsonObject callback = callbacks.poll(10, TimeUnit.SECONDS);
            assertTrue(callback != null, "callback " + i + " never came");
            assertEquals("up" + i, callback.get("message").getAsString());
            assertEquals(id, callback.get("session").getAsString());
        }
        assertEquals(null, callbacks.poll(500, TimeUnit.MILLISECONDS), "a message reached the callback twice");
    }
}

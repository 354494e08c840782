package io.wildcloud.ws.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpServer;
import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishBatchRequest;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.api.PublishBatchResponse.TargetResult;
import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.common.api.RevokeResponse;
import io.wildcloud.ws.common.client.AccessDeniedException;
import io.wildcloud.ws.common.client.BadRequestException;
import io.wildcloud.ws.common.client.CallbackVerifier;
import io.wildcloud.ws.common.client.NotFoundException;
import io.wildcloud.ws.common.client.PayloadTooLargeException;
import io.wildcloud.ws.common.client.PushApiException;
import io.wildcloud.ws.common.client.PushClient;
import io.wildcloud.ws.common.client.QueueFullException;
import io.wildcloud.ws.common.client.TooManyRequestsException;
import io.wildcloud.ws.common.client.UnavailableException;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.ScriptedServer;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ws-common {@link PushClient} and {@link CallbackVerifier} against a real node (memory engine,
 * in this JVM): every call, each error answer the node gives mapped to its exception, and the
 * signature of a callback the node really sent. Statuses a memory-engine node cannot produce (503,
 * 507) and a non-JSON error page come from a scripted HTTP server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushClientTest {

    private static final String SECRET = "push-client-test-secret-0123";
    /** Authorize needs a callback; no session of these tests sends anything, so none is called. */
    private static final URI NO_CALLBACK = URI.create("https://app.example/ws/callback");
    private static final int MAX_QUEUED = 2;
    private static final int MAX_MESSAGE_BYTES = 1024;

    private static WsNode node;
    private static PushClient client;
    private static final Http http = new Http(Duration.ofSeconds(5));

    @BeforeAll
    static void startNode() throws InterruptedException {
        node = WsNode.start(NodeConfig.builder()
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .set("applications", "client-it:" + SECRET)
                .set("max-queued-messages", String.valueOf(MAX_QUEUED))
                .set("max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES))
                // The signature test's application listens on loopback.
                .set("callback-allow-networks", "127.0.0.0/8")
                .build());
        client = PushClient.builder(apiBase(), SECRET).build();
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void authorizesPublishesToTheSocketAndToOneSessionAndRevokes() throws Exception {
        String socketId = client.authorize("alice ✓/1", NO_CALLBACK);
        assertTrue(socketId.matches("[A-Za-z0-9_-]{32}"), socketId);
        assertEquals(socketId, client.authorize("alice ✓/1", NO_CALLBACK), "the same socket while it lives");
        assertEquals("o\n", xhr(socketId, "s1").bodyText());
        assertEquals("o\n", xhr(socketId, "s2").bodyText());

        assertEquals(new PublishResponse(2, 0), client.publish(socketId, "hello ✓"));
        assertEquals("a[\"hello ✓\"]\n", xhr(socketId, "s1").bodyText());
        JsonObject price = new JsonObject();
        price.addProperty("price", 12.5);
        assertEquals(new PublishResponse(1, 0), client.publish(socketId, "s1", price));
        assertEquals("a[\"{\\\"price\\\":12.5}\"]\n", xhr(socketId, "s1").bodyText(), "any JSON value as its text");

        assertEquals(new RevokeResponse(socketId, 2), client.revoke("alice ✓/1"));
        NotFoundException gone = assertThrows(NotFoundException.class, () -> client.publish(socketId, "late"));
        assertEquals(404, gone.status());
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, gone.error());
    }

    @Test
    void publishesABatchInOneRequestWithAnOutcomePerTarget() throws Exception {
        String carol = client.authorize("batch-carol", NO_CALLBACK);
        String dave = client.authorize("batch-dave", NO_CALLBACK);
        assertEquals("o\n", xhr(carol, "c1").bodyText());
        assertEquals("o\n", xhr(dave, "d1").bodyText());
        String gone = "G".repeat(32);

        PublishBatchResponse room = client.publishBatch(List.of(carol, gone, dave), "hello room");
        assertEquals(new PublishBatchResponse(2, 0, 1, List.of(TargetResult.published(carol, null, 1, 0),
                TargetResult.failed(gone, null, ErrorCodes.SOCKET_NOT_FOUND, null),
                TargetResult.published(dave, null, 1, 0))), room);
        JsonObject price = new JsonObject();
        price.addProperty("price", 12.5);
        PublishBatchResponse each = client.publishBatchAsync(PublishBatchRequest.each(List.of(
                new PublishBatchRequest.Entry(new PublishBatchRequest.Target(carol, "c1"), price),
                new PublishBatchRequest.Entry(PublishBatchRequest.Target.socket(dave), new JsonPrimitive("to dave")))))
                .get(10, TimeUnit.SECONDS);
        assertEquals(2, each.sessions());
        assertEquals("a[\"hello room\",\"{\\\"price\\\":12.5}\"]\n", xhr(carol, "c1").bodyText());
        assertEquals("a[\"hello room\",\"to dave\"]\n", xhr(dave, "d1").bodyText());
        PayloadTooLargeException tooLarge = assertThrows(PayloadTooLargeException.class,
                () -> client.publishBatch(List.of(carol), "x".repeat(MAX_MESSAGE_BYTES + 1)));
        assertEquals(ErrorCodes.MESSAGE_TOO_LARGE, tooLarge.error());
    }

    @Test
    void asynchronousFormsAnswerAndFailAsTheBlockingOnes() throws Exception {
        String socketId = client.authorizeAsync("bob", NO_CALLBACK).get(10, TimeUnit.SECONDS);
        assertEquals("o\n", xhr(socketId, "s1").bodyText());
        JsonArray list = new JsonArray();
        list.add(1);
        assertEquals(new PublishResponse(1, 0), client.publishAsync(socketId, list).get(10, TimeUnit.SECONDS));
        assertEquals(new PublishResponse(1, 0),
                client.publishAsync(socketId, "s1", "text").get(10, TimeUnit.SECONDS));
        assertEquals("a[\"[1]\",\"text\"]\n", xhr(socketId, "s1").bodyText());
        assertEquals(new RevokeResponse(socketId, 1), client.revokeAsync("bob").get(10, TimeUnit.SECONDS));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> client.publishAsync(socketId, list).get(10, TimeUnit.SECONDS));
        NotFoundException cause = assertInstanceOf(NotFoundException.class, failed.getCause());
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, cause.error());
    }

    @Test
    void eachErrorOfTheNodeComesAsItsException() throws Exception {
        BadRequestException badCallback = assertThrows(BadRequestException.class,
                () -> client.authorize("carol", URI.create("ftp://app.example/cb")));
        assertEquals(400, badCallback.status());
        assertEquals(ErrorCodes.INVALID_CALLBACK, badCallback.error());
        assertFalse(badCallback.apiMessage().isBlank());

        AccessDeniedException unknown = assertThrows(AccessDeniedException.class,
                () -> PushClient.builder(apiBase(), "not-the-secret-0123456789").build().authorize("carol", NO_CALLBACK));
        assertEquals(403, unknown.status());
        assertEquals(ErrorCodes.UNKNOWN_APPLICATION, unknown.error());

        NotFoundException noClient = assertThrows(NotFoundException.class, () -> client.revoke("never-authorized"));
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, noClient.error());
        NotFoundException noSocket = assertThrows(NotFoundException.class,
                () -> client.publish("A".repeat(32), "to nobody"));
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, noSocket.error());

        String socketId = client.authorize("carol", NO_CALLBACK);
        NotFoundException noSession = assertThrows(NotFoundException.class,
                () -> client.publish(socketId, "never-opened", "to nobody"));
        assertEquals(404, noSession.status());
        assertEquals(ErrorCodes.SESSION_NOT_FOUND, noSession.error());

        PayloadTooLargeException tooLarge = assertThrows(PayloadTooLargeException.class,
                () -> client.publish(socketId, "x".repeat(MAX_MESSAGE_BYTES + 1)));
        assertEquals(413, tooLarge.status());
        assertEquals(ErrorCodes.MESSAGE_TOO_LARGE, tooLarge.error());

        // Nobody polls s1: its queue fills after MAX_QUEUED messages.
        assertEquals("o\n", xhr(socketId, "s1").bodyText());
        for (int i = 0; i < MAX_QUEUED; i++) {
            assertEquals(new PublishResponse(1, 0), client.publish(socketId, "s1", "m" + i));
        }
        QueueFullException full = assertThrows(QueueFullException.class, () -> client.publish(socketId, "s1", "one more"));
        assertEquals(429, full.status());
        assertEquals(ErrorCodes.QUEUE_FULL, full.error());
        assertEquals(new PublishResponse(0, 1), client.publish(socketId, "one more"),
                "to the whole socket a full queue is counted, not an error");
    }

    @Test
    void anApplicationOverItsSocketQuotaGetsTooManyRequestsWithRetryAfter() throws Exception {
        try (WsNode quota = WsNode.start(NodeConfig.builder().bindHost("127.0.0.1").publicPort(0).apiPort(0)
                .set("applications", "client-it:" + SECRET).set("max-new-sockets-per-application", "1").build())) {
            PushClient quotaClient = PushClient.builder(URI.create("http://127.0.0.1:" + quota.apiPort()), SECRET)
                    .build();
            String first = quotaClient.authorize("first", NO_CALLBACK);
            TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                    () -> quotaClient.authorize("second", NO_CALLBACK));
            assertEquals(429, refused.status());
            assertEquals(ErrorCodes.TOO_MANY_SOCKETS, refused.error());
            assertTrue(refused.retryAfter().orElseThrow().toSeconds() > 0, refused.retryAfter().toString());
            assertEquals(first, quotaClient.authorize("first", NO_CALLBACK), "a client keeps its socket");
        }
    }

    /**
     * max-new-socket-bytes-per-node reaches the memory engine: two applications, each well within its
     * own budget, together pass the node's 2,500 bytes; the one past it gets 429 naming the node's budget.
     */
    @Test
    void applicationsTogetherOverTheNodesSocketBytesGetTooManyRequests() throws Exception {
        String otherSecret = "push-client-test-other-secret";
        try (WsNode quota = WsNode.start(NodeConfig.builder().bindHost("127.0.0.1").publicPort(0).apiPort(0)
                .set("applications", "client-it:" + SECRET + ",other-it:" + otherSecret)
                .set("max-new-socket-bytes-per-node", "2500").build())) {
            URI api = URI.create("http://127.0.0.1:" + quota.apiPort());
            PushClient one = PushClient.builder(api, SECRET).build();
            PushClient other = PushClient.builder(api, otherSecret).build();
            String first = one.authorize("first", NO_CALLBACK); // 1024 + 2 * (5 + 31) = 1096
            other.authorize("first", NO_CALLBACK); // 2,192 of the node's 2,500
            TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                    () -> other.authorize("second", NO_CALLBACK)); // 1098 more
            assertEquals(429, refused.status());
            assertEquals(ErrorCodes.TOO_MANY_SOCKETS, refused.error());
            assertTrue(refused.getMessage().contains("node's new sockets of this 24 h window, of all applications,"
                    + " would pass their 2500 bytes (max-new-socket-bytes-per-node)"), refused.getMessage());
            assertTrue(refused.retryAfter().orElseThrow().toSeconds() > 0, refused.retryAfter().toString());
            assertThrows(TooManyRequestsException.class, () -> one.authorize("second", NO_CALLBACK),
                    "the node's budget is every application's");
            assertEquals(first, one.authorize("first", NO_CALLBACK), "a client keeps its socket");
        }
    }

    /** max-new-socket-bytes-per-application reaches the engine: a 256-character client id passes 2,000 bytes. */
    @Test
    void anApplicationOverItsSocketBytesGetsTooManyRequestsWithRetryAfter() throws Exception {
        try (WsNode quota = WsNode.start(NodeConfig.builder().bindHost("127.0.0.1").publicPort(0).apiPort(0)
                .set("applications", "client-it:" + SECRET).set("max-new-socket-bytes-per-application", "2000")
                .build())) {
            PushClient quotaClient = PushClient.builder(URI.create("http://127.0.0.1:" + quota.apiPort()), SECRET)
                    .build();
            String first = quotaClient.authorize("first", NO_CALLBACK); // 1024 + 2 * (5 + 31) = 1096
            TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                    () -> quotaClient.authorize("x".repeat(256), NO_CALLBACK)); // 1598 more
            assertEquals(429, refused.status());
            assertEquals(ErrorCodes.TOO_MANY_SOCKETS, refused.error());
            assertTrue(refused.getMessage().contains("max-new-socket-bytes-per-application"), refused.getMessage());
            assertTrue(refused.retryAfter().orElseThrow().toSeconds() > 0, refused.retryAfter().toString());
            assertEquals(first, quotaClient.authorize("first", NO_CALLBACK), "a client keeps its socket");
        }
    }

    @Test
    void answersNoNodeGivesHereAreMappedByStatusAndEveryCallCarriesTheBearer() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        BlockingQueue<String> answers = new ArrayBlockingQueue<>(8);
        try (ScriptedServer server = new ScriptedServer(socket -> {
            heads.add(ScriptedServer.readHead(socket.getInputStream()));
            String body = answers.take();
            int status = Integer.parseInt(body.substring(0, 3));
            byte[] bytes = body.substring(4).getBytes(StandardCharsets.UTF_8);
            ScriptedServer.write(socket, "HTTP/1.1 " + status + " X\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n" + body.substring(4));
        })) {
            URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
            PushClient scripted = PushClient.builder(base, SECRET).build();

            answers.add("503 {\"error\":\"store_unavailable\",\"message\":\"retry later\"}");
            UnavailableException unavailable = assertThrows(UnavailableException.class,
                    () -> scripted.publish("A".repeat(32), "m"));
            assertEquals(503, unavailable.status());
            assertEquals("store_unavailable", unavailable.error());
            assertEquals("retry later", unavailable.apiMessage());

            answers.add("507 {\"error\":\"store_full\",\"message\":\"no room\"}");
            assertEquals(507, assertThrows(UnavailableException.class, () -> scripted.revoke("dave")).status());

            answers.add("502 <html>bad gateway</html>");
            PushApiException page = assertThrows(PushApiException.class, () -> scripted.authorize("dave", NO_CALLBACK));
            assertEquals(502, page.status());
            assertNull(page.error(), "not the API's error JSON");
            assertEquals("<html>bad gateway</html>", page.apiMessage());

            answers.add("200 {\"socket_id\":\"s\"}");
            PushClient withoutBearer = PushClient.builder(base, SECRET).bearerAuth(false).build();
            assertEquals("s", withoutBearer.authorize("dave", NO_CALLBACK));

            assertEquals(4, heads.size());
            for (String head : heads.subList(0, 3)) {
                assertTrue(head.contains("\r\nAuthorization: Bearer " + SECRET + "\r\n"), head);
            }
            assertFalse(heads.get(3).toLowerCase().contains("authorization:"), heads.get(3));
            assertTrue(heads.get(0).startsWith("POST /publish/" + "A".repeat(32) + " HTTP/1.1\r\n"), heads.get(0));
            assertTrue(heads.get(1).startsWith("DELETE /authorize/" + SECRET + "/dave HTTP/1.1\r\n"), heads.get(1));
        }
    }

    @Test
    void aNetworkFailureIsAPlainIOException() throws Exception {
        int closedPort;
        try (ScriptedServer server = new ScriptedServer(socket -> { })) {
            closedPort = server.address().getPort();
        }
        IOException refused = assertThrows(IOException.class, () -> PushClient.builder(
                URI.create("http://127.0.0.1:" + closedPort), SECRET).build().publish("A".repeat(32), "m"));
        assertFalse(refused instanceof PushApiException, refused.toString());
    }

    @Test
    void verifiesTheSignatureOfACallbackTheNodeSent() throws Exception {
        BlockingQueue<byte[][]> received = new ArrayBlockingQueue<>(4);
        HttpServer application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        application.createContext("/cb", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String signature = exchange.getRequestHeaders().getFirst(CallbackVerifier.SIGNATURE_HEADER);
                received.add(new byte[][] {body, signature == null ? new byte[0] : signature.getBytes(StandardCharsets.US_ASCII)});
                exchange.sendResponseHeaders(204, -1);
            }
        });
        application.start();
        try {
            URI callback = URI.create("http://127.0.0.1:" + application.getAddress().getPort() + "/cb");
            String socketId = client.authorize("erin", callback);
            assertEquals("o\n", xhr(socketId, "s1").bodyText());
            RawResponse sent = http.post(publicUrl(socketId, "s1", "xhr_send"), "[\"hi \\u2713\"]");
            assertEquals(204, sent.status(), sent.toString());

            byte[][] request = received.poll(10, TimeUnit.SECONDS);
            assertTrue(request != null, "no callback within 10 s");
            byte[] body = request[0];
            String signature = new String(request[1], StandardCharsets.US_ASCII);
            CallbackVerifier verifier = new CallbackVerifier(SECRET);
            assertTrue(verifier.verify(body, signature), signature);
            assertEquals(new CallbackPayload("hi ✓", "s1", "erin"), verifier.verifiedPayload(body, signature));

            byte[] tampered = body.clone();
            tampered[tampered.length - 2] ^= 1;
            assertFalse(verifier.verify(tampered, signature), "one bit of the body changed");
            assertFalse(new CallbackVerifier(SECRET + "x").verify(body, signature), "another application's secret");
            assertFalse(verifier.verify(body, null), "no signature");
            assertThrows(SecurityException.class, () -> verifier.verifiedPayload(tampered, signature));
            client.revoke("erin");
        } finally {
            application.stop(0);
        }
    }

    private static URI apiBase() {
        return URI.create("http://127.0.0.1:" + node.apiPort());
    }

    private static String publicUrl(String socketId, String sessionId, String transport) {
        return "http://127.0.0.1:" + node.publicPort() + "/" + socketId + "/000/" + sessionId + "/" + transport;
    }

    private static RawResponse xhr(String socketId, String sessionId) {
        return http.post(publicUrl(socketId, sessionId, "xhr"));
    }
}

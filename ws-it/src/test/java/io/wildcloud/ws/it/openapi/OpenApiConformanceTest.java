package io.wildcloud.ws.it.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docs/openapi.yaml} against a real node (memory engine, in this JVM, {@code api-require-auth}
 * on): every status the document lists that a memory-engine node can give is provoked, and each
 * answer must be one the document lists for its operation, with a body that validates against that
 * status's schema and the headers it requires. A callback the node really sent is checked against
 * the {@code sessionMessage} webhook. The store's own errors (503 {@code store_*}, 507) need Redis:
 * see {@link OpenApiStoreErrorsTest}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OpenApiConformanceTest {

    private static final String SECRET = "openapi-test-secret-0123";
    private static final String OTHER_SECRET = "openapi-other-secret-0123";
    /** The application that spends its publish budget, so that the others' answers do not depend on the order of tests. */
    private static final String BUDGET_SECRET = "openapi-budget-secret-0123";
    private static final String CALLBACK = "{\"callback\":\"https://app.example/ws/callback\"}";
    private static final int MAX_MESSAGE_BYTES = 1024;
    /** The API port's body limit: 6 x max-message-bytes + 1 KiB, as docs/openapi.yaml says. */
    private static final int MAX_API_BODY = 6 * MAX_MESSAGE_BYTES + 1024;
    /** The least burst a node takes: max-message-bytes x the 64 sessions a socket may have. */
    private static final int PUBLISH_BURST = MAX_MESSAGE_BYTES * 64;
    private static final String FORWARDED_CLIENT = "203.0.113.7";
    /** Per application: the test's own application authorizes fewer clients than this in all. */
    private static final int NEW_SOCKETS = 20;

    private static OpenApiSpec spec;
    private static WsNode node;
    private static final Http http = new Http(Duration.ofSeconds(5));

    @BeforeAll
    static void start() throws InterruptedException {
        spec = OpenApiSpec.load();
        node = WsNode.start(NodeConfig.builder()
                .bindHost("127.0.0.1")
                .publicPort(0)
                .apiPort(0)
                .set("applications", "openapi:" + SECRET + ",other:" + OTHER_SECRET + ",budget:" + BUDGET_SECRET)
                // A burst two publishes to 40 sessions pass, refilled at 1 byte a second.
                .set("application-publish-byte-burst", String.valueOf(PUBLISH_BURST))
                .set("max-application-publish-bytes-per-second", "1")
                .set("api-require-auth", "true")
                .set("callback-allow-networks", "127.0.0.0/8")
                .set("max-queued-messages", "2")
                .set("max-new-sockets-per-application", String.valueOf(NEW_SOCKETS))
                .set("max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES))
                // Small, so that a batch over the bound fits in this node's small API body limit.
                .set("max-publish-targets", "8")
                .set("request-head-timeout", "1s")
                // The test's connections come through a "balancer" at 127.0.0.1: requests naming a
                // client in X-Forwarded-For count against that client's cap of one.
                .set("trusted-proxies", "127.0.0.1")
                .set("max-connections-per-address", "1")
                .set("max-request-memory", String.valueOf(64 * 1024))
                .build());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theDocumentIsValidOpenApi31() throws IOException {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(Files.readString(spec.file()), null, options);
        assertEquals(List.of(), parsed.getMessages(), "swagger-parser's findings");
        OpenAPI api = parsed.getOpenAPI();
        assertNotNull(api);
        assertEquals(SpecVersion.V31, api.getSpecVersion());
        assertEquals("3.1.0", api.getOpenapi());
        assertEquals(List.of("/authorize/{application_id}/{client_id}", "/health", "/health/live", "/health/ready",
                "/metrics", "/publish", "/publish/{socket_id}", "/publish/{socket_id}/{session_id}"),
                api.getPaths().keySet().stream().sorted().toList());
        assertTrue(api.getWebhooks().containsKey("sessionMessage"), "the callback is described as a webhook");
    }

    @Test
    void everyErrorCodeOfTheNodeIsInTheDocument() throws IllegalAccessException {
        List<String> missing = new ArrayList<>();
        for (var field : ErrorCodes.class.getFields()) {
            String code = (String) field.get(null);
            if (!spec.isValid("/components/schemas/ErrorCode", JsonMapper.builder().build().valueToTree(code))) {
                missing.add(code);
            }
        }
        assertEquals(List.of(), missing, "codes of ErrorCodes the document's ErrorCode does not list");
    }

    @Test
    void authorizeAndRevokeAnswersMatchTheDocument() {
        String authorize = "/authorize/{application_id}/{client_id}";
        RawResponse created = authorize("POST", SECRET, "alice", CALLBACK);
        assertEquals(200, created.status(), created.toString());
        check("POST", authorize, created);
        check("POST", authorize, authorize("POST", SECRET, "alice", CALLBACK, "Authorization", "Bearer " + SECRET));

        expect(400, ErrorCodes.MALFORMED_JSON, "POST", authorize, authorize("POST", SECRET, "bob", "{\"callback\":"));
        expect(400, ErrorCodes.MISSING_FIELD, "POST", authorize, authorize("POST", SECRET, "bob", "{}"));
        expect(400, ErrorCodes.INVALID_FIELD, "POST", authorize, authorize("POST", SECRET, "bob", "{\"callback\":1}"));
        expect(400, ErrorCodes.INVALID_CALLBACK, "POST", authorize,
                authorize("POST", SECRET, "bob", "{\"callback\":\"ftp://app.example/cb\"}"));
        expect(400, ErrorCodes.CALLBACK_NOT_ALLOWED, "POST", authorize,
                authorize("POST", SECRET, "bob", "{\"callback\":\"http://10.0.0.1/cb\"}"));
        expect(400, ErrorCodes.INVALID_ID, "POST", authorize, authorize("POST", SECRET, "b%01b", CALLBACK));
        expect(400, ErrorCodes.INVALID_REQUEST_ID, "POST", authorize,
                authorize("POST", SECRET, "bob", CALLBACK, "X-Request-Id", "x".repeat(201)));
        try (RawHttp connection = RawHttp.connect(URI.create(api("/")), Duration.ofSeconds(5))) {
            expect(400, ErrorCodes.BAD_REQUEST, "POST", authorize, connection.exchange("POST", "/authorize/" + SECRET + "/b%ZZ",
                    "1.1", CALLBACK.getBytes(StandardCharsets.UTF_8)));
        }
        expect(401, ErrorCodes.UNAUTHORIZED, "POST", authorize,
                authorize("POST", SECRET, "bob", CALLBACK, "Authorization", "Basic Ym9iOmJvYg=="));
        expect(403, ErrorCodes.UNKNOWN_APPLICATION, "POST", authorize,
                authorize("POST", "no-such-application-secret", "bob", CALLBACK));
        expect(403, ErrorCodes.WRONG_APPLICATION, "POST", authorize,
                authorize("POST", SECRET, "bob", CALLBACK, "Authorization", "Bearer " + OTHER_SECRET));
        expect(413, ErrorCodes.BODY_TOO_LARGE, "POST", authorize,
                authorize("POST", SECRET, "bob", "{\"callback\":\"" + "x".repeat(MAX_API_BODY) + "\"}"));

        expect(401, ErrorCodes.UNAUTHORIZED, "DELETE", authorize, authorize("DELETE", SECRET, "alice", null));
        expect(403, ErrorCodes.WRONG_APPLICATION, "DELETE", authorize,
                authorize("DELETE", SECRET, "alice", null, "Authorization", "Bearer " + OTHER_SECRET));
        expect(400, ErrorCodes.INVALID_ID, "DELETE", authorize,
                authorize("DELETE", SECRET, "x".repeat(257), null, "Authorization", "Bearer " + SECRET));
        RawResponse revoked = authorize("DELETE", SECRET, "alice", null, "Authorization", "Bearer " + SECRET);
        assertEquals(200, revoked.status(), revoked.toString());
        check("DELETE", authorize, revoked);
        expect(404, ErrorCodes.SOCKET_NOT_FOUND, "DELETE", authorize,
                authorize("DELETE", SECRET, "alice", null, "Authorization", "Bearer " + SECRET));

        for (int i = 0; i < NEW_SOCKETS; i++) {
            assertEquals(200, authorize("POST", OTHER_SECRET, "crowd-" + i, CALLBACK).status());
        }
        RawResponse overQuota = authorize("POST", OTHER_SECRET, "crowd-" + NEW_SOCKETS, CALLBACK);
        expect(429, ErrorCodes.TOO_MANY_SOCKETS, "POST", authorize, overQuota);
        long retryAfter = Long.parseLong(overQuota.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 24 * 3600, "Retry-After " + retryAfter);
        assertEquals(200, authorize("POST", OTHER_SECRET, "crowd-0", CALLBACK).status(), "a client keeps its socket");

        RawResponse wrongMethod = http.get(api("/authorize/" + SECRET + "/alice"));
        spec.assertComponentAnswer("MethodNotAllowed", 405, wrongMethod);
        assertEquals("POST, DELETE", wrongMethod.header("Allow"));
    }

    @Test
    void publishAnswersMatchTheDocument() {
        String toSocket = "/publish/{socket_id}";
        String toSession = "/publish/{socket_id}/{session_id}";
        String socketId = socketOf("carol");
        assertEquals("o\n", http.post(publicUrl(socketId, "s1", "xhr")).bodyText());
        String bearer = "Bearer " + SECRET;

        RawResponse published = publish(socketId, null, "{\"message\":\"hello\"}", "Authorization", bearer);
        assertEquals("{\"sessions\":1,\"queue_full\":0}", published.bodyText());
        check("POST", toSocket, published);
        RawResponse one = publish(socketId, "s1", "{\"message\":{\"price\":12.5}}", "Authorization", bearer,
                "Idempotency-Key", "order-42");
        assertEquals(200, one.status(), one.toString());
        check("POST", toSession, one);
        // Nobody polls s1: its queue (two messages) is full now.
        expect(429, ErrorCodes.QUEUE_FULL, "POST", toSession, publish(socketId, "s1", "{\"message\":3}", "Authorization", bearer));
        RawResponse counted = publish(socketId, null, "{\"message\":3}", "Authorization", bearer);
        assertEquals("{\"sessions\":0,\"queue_full\":1}", counted.bodyText());
        check("POST", toSocket, counted);

        for (String path : new String[] {toSocket, toSession}) {
            String session = path.equals(toSocket) ? null : "s1";
            expect(401, ErrorCodes.UNAUTHORIZED, "POST", path, publish(socketId, session, "{\"message\":1}"));
            expect(403, ErrorCodes.WRONG_APPLICATION, "POST", path,
                    publish(socketId, session, "{\"message\":1}", "Authorization", "Bearer " + OTHER_SECRET));
            expect(403, ErrorCodes.UNKNOWN_APPLICATION, "POST", path,
                    publish(socketId, session, "{\"message\":1}", "Authorization", "Bearer no-such-secret-0123456"));
            expect(400, ErrorCodes.MALFORMED_JSON, "POST", path, publish(socketId, session, "[1]", "Authorization", bearer));
            expect(400, ErrorCodes.MISSING_FIELD, "POST", path, publish(socketId, session, "{}", "Authorization", bearer));
            expect(400, ErrorCodes.INVALID_FIELD, "POST", path,
                    publish(socketId, session, "{\"message\":null}", "Authorization", bearer));
            expect(400, ErrorCodes.INVALID_REQUEST_ID, "POST", path,
                    publish(socketId, session, "{\"message\":1}", "Authorization", bearer, "Idempotency-Key", "a b"));
            expect(413, ErrorCodes.MESSAGE_TOO_LARGE, "POST", path, publish(socketId, session,
                    "{\"message\":\"" + "x".repeat(MAX_MESSAGE_BYTES + 1) + "\"}", "Authorization", bearer));
            expect(413, ErrorCodes.BODY_TOO_LARGE, "POST", path, publish(socketId, session,
                    "{\"message\":\"" + "x".repeat(MAX_API_BODY) + "\"}", "Authorization", bearer));
            // The bound is exact: a body of MAX_API_BODY bytes is read (its message is too large).
            expect(413, ErrorCodes.MESSAGE_TOO_LARGE, "POST", path, publish(socketId, session,
                    bodyOfLength(MAX_API_BODY), "Authorization", bearer));
            expect(413, ErrorCodes.BODY_TOO_LARGE, "POST", path, publish(socketId, session,
                    bodyOfLength(MAX_API_BODY + 1), "Authorization", bearer));
            expect(404, ErrorCodes.SOCKET_NOT_FOUND, "POST", path,
                    publish("A".repeat(32), session, "{\"message\":1}", "Authorization", bearer));
            RawResponse wrongMethod = http.get(api(path.equals(toSocket) ? "/publish/" + socketId
                    : "/publish/" + socketId + "/s1"), "Authorization", bearer);
            spec.assertComponentAnswer("MethodNotAllowed", 405, wrongMethod);
            assertEquals("POST", wrongMethod.header("Allow"));
        }
        expect(404, ErrorCodes.SESSION_NOT_FOUND, "POST", toSession,
                publish(socketId, "never-opened", "{\"message\":1}", "Authorization", bearer));
        spec.assertComponentAnswer("PathNotFound", 404, http.post(api("/publish/" + socketId + "/s1/more"), "{}"));
    }

    @Test
    void batchPublishAnswersMatchTheDocument() {
        String batch = "/publish";
        String socketId = socketOf("dave");
        String otherSocket = socketOf("frank");
        assertEquals("o\n", http.post(publicUrl(socketId, "s1", "xhr")).bodyText());
        String bearer = "Bearer " + SECRET;
        String unknown = "B".repeat(32);

        RawResponse mixed = publishBatch("{\"targets\":[{\"socket_id\":\"" + socketId + "\"},{\"socket_id\":\""
                + unknown + "\"},{\"socket_id\":\"bad\"},{\"socket_id\":\"" + socketId + "\",\"session_id\":\"s1\"},"
                + "{\"socket_id\":\"" + socketId + "\",\"session_id\":\"never\"},{\"socket_id\":\"" + otherSocket
                + "\"}],\"message\":\"hi\"}", "Authorization", bearer, "Idempotency-Key", "batch-1");
        assertEquals("{\"sessions\":2,\"queue_full\":0,\"failed\":3,\"results\":["
                + "{\"socket_id\":\"" + socketId + "\",\"sessions\":1,\"queue_full\":0},"
                + "{\"socket_id\":\"" + unknown + "\",\"error\":\"socket_not_found\"},"
                + "{\"socket_id\":\"bad\",\"error\":\"socket_not_found\"},"
                + "{\"socket_id\":\"" + socketId + "\",\"session_id\":\"s1\",\"sessions\":1,\"queue_full\":0},"
                + "{\"socket_id\":\"" + socketId + "\",\"session_id\":\"never\",\"error\":\"session_not_found\"},"
                + "{\"socket_id\":\"" + otherSocket + "\",\"sessions\":0,\"queue_full\":0}]}", mixed.bodyText());
        check("POST", batch, mixed);
        // The retry is answered as the first was; s1's queue (two messages) is full now.
        assertEquals(mixed.bodyText(), publishBatch("{\"targets\":[{\"socket_id\":\"" + socketId + "\"},{\"socket_id\":\""
                + unknown + "\"},{\"socket_id\":\"bad\"},{\"socket_id\":\"" + socketId + "\",\"session_id\":\"s1\"},"
                + "{\"socket_id\":\"" + socketId + "\",\"session_id\":\"never\"},{\"socket_id\":\"" + otherSocket
                + "\"}],\"message\":\"hi\"}", "Authorization", bearer, "Idempotency-Key", "batch-1").bodyText());
        RawResponse each = publishBatch("{\"messages\":[{\"socket_id\":\"" + socketId + "\",\"session_id\":\"s1\","
                + "\"message\":3},{\"socket_id\":\"" + socketId + "\",\"message\":null},{\"message\":1},7,"
                + "{\"socket_id\":\"" + socketId + "\",\"message\":\"" + "x".repeat(MAX_MESSAGE_BYTES + 1) + "\"},"
                + "{\"socket_id\":\"" + socketId + "\",\"message\":{\"n\":1}}]}", "Authorization", bearer);
        assertEquals(200, each.status(), each.toString());
        assertTrue(each.bodyText().startsWith("{\"sessions\":0,\"queue_full\":2,\"failed\":5,\"results\":["
                + "{\"socket_id\":\"" + socketId + "\",\"session_id\":\"s1\",\"error\":\"queue_full\"},"), each.bodyText());
        check("POST", batch, each);
        // The check can fail: an outcome the document does not list is refused.
        assertFalse(spec.isValid("/components/schemas/BatchTargetResult",
                JsonMapper.builder().build().readTree("{\"socket_id\":\"x\",\"error\":\"lost\"}")));

        String target = "{\"socket_id\":\"" + socketId + "\"}";
        expect(401, ErrorCodes.UNAUTHORIZED, "POST", batch, publishBatch("{\"targets\":[" + target + "],\"message\":1}"));
        expect(403, ErrorCodes.WRONG_APPLICATION, "POST", batch, publishBatch("{\"targets\":[" + target
                + "],\"message\":1}", "Authorization", "Bearer " + OTHER_SECRET));
        expect(403, ErrorCodes.UNKNOWN_APPLICATION, "POST", batch, publishBatch("{\"targets\":[" + target
                + "],\"message\":1}", "Authorization", "Bearer no-such-secret-0123456"));
        expect(400, ErrorCodes.MALFORMED_JSON, "POST", batch, publishBatch("[1]", "Authorization", bearer));
        expect(400, ErrorCodes.MISSING_FIELD, "POST", batch, publishBatch("{}", "Authorization", bearer));
        expect(400, ErrorCodes.INVALID_FIELD, "POST", batch,
                publishBatch("{\"targets\":[],\"message\":1}", "Authorization", bearer));
        expect(400, ErrorCodes.INVALID_REQUEST_ID, "POST", batch, publishBatch("{\"targets\":[" + target
                + "],\"message\":1}", "Authorization", bearer, "Idempotency-Key", "a b"));
        expect(413, ErrorCodes.MESSAGE_TOO_LARGE, "POST", batch, publishBatch("{\"targets\":[" + target
                + "],\"message\":\"" + "x".repeat(MAX_MESSAGE_BYTES + 1) + "\"}", "Authorization", bearer));
        expect(413, ErrorCodes.TOO_MANY_TARGETS, "POST", batch, publishBatch("{\"targets\":["
                + String.join(",", java.util.Collections.nCopies(9, "{\"socket_id\":\"x\"}")) + "],\"message\":1}",
                "Authorization", bearer));
        expect(413, ErrorCodes.BODY_TOO_LARGE, "POST", batch, publishBatch("{\"targets\":[" + target
                + "],\"message\":\"" + "x".repeat(MAX_API_BODY) + "\"}", "Authorization", bearer));
        RawResponse wrongMethod = http.get(api(batch), "Authorization", bearer);
        spec.assertComponentAnswer("MethodNotAllowed", 405, wrongMethod);
        assertEquals("POST", wrongMethod.header("Allow"));
    }

    @Test
    void healthAndMetricsAnswersMatchTheDocument() {
        for (String path : new String[] {"/health", "/health/live", "/health/ready"}) {
            RawResponse health = http.get(api(path));
            assertEquals(200, health.status(), health.toString());
            check("GET", path, health);
        }
        RawResponse metrics = http.get(api("/metrics"));
        assertEquals(200, metrics.status());
        check("GET", "/metrics", metrics);
        assertTrue(metrics.bodyText().contains("# TYPE ws_sessions_opened_total counter"), "Prometheus text");

        RawResponse notFound = http.get(api("/no/such/path"));
        spec.assertComponentAnswer("PathNotFound", 404, notFound);
        for (String path : new String[] {"/health", "/health/live", "/health/ready", "/metrics"}) {
            assertTrue(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(path) + "[ ,.]")
                            .matcher(notFound.bodyText()).find(),
                    "the 404 names " + path + ": " + notFound.bodyText());
        }
    }

    @Test
    void healthAndMetricsAnswerHeadAndRefuseOtherMethodsOnBothPorts() {
        for (String path : new String[] {"/health", "/health/live", "/health/ready", "/metrics"}) {
            List<String> urls = path.equals("/metrics") ? List.of(api(path)) : List.of(api(path), publicUrl(path));
            for (String url : urls) {
                RawResponse head = http.request("HEAD", url, null);
                assertEquals(200, head.status(), "HEAD " + url + ": " + head);
                assertEquals(0, head.body().length, "HEAD " + url + " has no body");
                check("HEAD", path, head);
                for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
                    RawResponse wrongMethod = http.request(method, url, new byte[0]);
                    spec.assertComponentAnswer("MethodNotAllowed", 405, wrongMethod);
                    assertEquals("GET, HEAD", wrongMethod.header("Allow"), method + " " + url);
                }
            }
        }
    }

    @Test
    void theConnectionGuardsRefusalsMatchTheDocument() throws Exception {
        String path = "/publish/{socket_id}";
        String target = "/publish/" + "A".repeat(32);
        // 414: a request line over Netty's 4 KiB.
        expect(414, ErrorCodes.URI_TOO_LONG, "GET", "/health", http.get(api("/health?" + "q".repeat(5000))));
        // 431: headers over 8 KiB.
        expect(431, ErrorCodes.HEADERS_TOO_LARGE, "POST", path,
                http.post(api(target), "{\"message\":1}", "X-Padding", "p".repeat(9000)));
        // 413 before the body: the declared length is over the limit.
        try (RawHttp connection = RawHttp.connect(URI.create(api("/")), Duration.ofSeconds(5))) {
            connection.write(("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + (MAX_API_BODY + 1)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            expect(413, ErrorCodes.BODY_TOO_LARGE, "POST", path, connection.readResponse("POST"));
        }
        // 408: a head that does not end within request-head-timeout (1 s).
        try (RawHttp connection = RawHttp.connect(URI.create(api("/")), Duration.ofSeconds(5))) {
            connection.write(("POST " + target + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
            expect(408, ErrorCodes.REQUEST_TIMEOUT, "POST", path, connection.readResponse("POST"));
        }
        // 429: the forwarded client already has its one request in progress (a body still coming).
        // Two such requests on two connections: the node counts the head it reads first and refuses
        // the other. Which one that is depends on when each connection's event loop runs, not on
        // which the client sent first (a loaded machine reads the later one first, one run in ~30).
        try (RawHttp one = holdBodyOpen(target, FORWARDED_CLIENT); RawHttp other = holdBodyOpen(target, FORWARDED_CLIENT)) {
            expect(429, ErrorCodes.TOO_MANY_CONNECTIONS, "POST", path, firstAnswer(List.of(one, other), Duration.ofSeconds(20)));
            // The one counted is still in progress: any further request of that client is refused too.
            expect(429, ErrorCodes.TOO_MANY_CONNECTIONS, "POST", path,
                    http.post(api(target), "{\"message\":1}", "X-Forwarded-For", FORWARDED_CLIENT));
        }
        // 503 busy: bodies in progress (4 KiB each) hold more than the API port's half of
        // max-request-memory (32 KiB): the one whose bytes cross it is refused.
        List<RawHttp> holding = new ArrayList<>();
        try {
            for (int i = 0; i < 9; i++) {
                RawHttp connection = RawHttp.connect(URI.create(api("/")), Duration.ofMillis(300));
                holding.add(connection);
                connection.write(("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + MAX_API_BODY
                        + "\r\n\r\n" + "x".repeat(4096)).getBytes(StandardCharsets.US_ASCII));
            }
            expect(503, ErrorCodes.BUSY, "POST", path, firstAnswer(holding, Duration.ofSeconds(20)));
        } finally {
            holding.forEach(RawHttp::close);
        }
    }

    /** A request from {@code forwardedFor} through the trusted proxy, its head sent whole, its body not. */
    private static RawHttp holdBodyOpen(String target, String forwardedFor) {
        RawHttp connection = RawHttp.connect(URI.create(api("/")), Duration.ofMillis(300));
        connection.write(("POST " + target + " HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + forwardedFor
                + "\r\nContent-Length: 20\r\n\r\n{\"message\":").getBytes(StandardCharsets.US_ASCII));
        return connection;
    }

    /** The first answer any of {@code connections} gets, the others still waiting for their bodies' end. */
    private static RawResponse firstAnswer(List<RawHttp> connections, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            for (RawHttp connection : connections) {
                try {
                    return connection.readResponse("POST");
                } catch (AssertionError noAnswerYet) {
                    // its read timeout passed without a byte: a held body, not refused
                }
            }
        }
        throw new AssertionError("no connection was answered within " + within);
    }

    @Test
    void aCallbackTheNodeSentIsTheDocumentsWebhook() throws Exception {
        BlockingQueue<Captured> received = new ArrayBlockingQueue<>(4);
        HttpServer application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        application.createContext("/cb", exchange -> {
            try (exchange) {
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
                received.add(new Captured(exchange.getRequestMethod(), headers, exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        application.start();
        try {
            String callback = "http://127.0.0.1:" + application.getAddress().getPort() + "/cb";
            RawResponse authorized = authorize("POST", SECRET, "erin", "{\"callback\":\"" + callback + "\"}");
            assertEquals(200, authorized.status(), authorized.toString());
            String socketId = JsonMapper.builder().build().readTree(authorized.bodyText()).get("socket_id").asString();
            assertEquals("o\n", http.post(publicUrl(socketId, "s1", "xhr")).bodyText());
            RawResponse sent = http.post(publicUrl(socketId, "s1", "xhr_send"), "[\"hi \\u2713\"]");
            assertEquals(204, sent.status(), sent.toString());

            Captured request = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(request, "no callback within 10 s");
            assertEquals("POST", request.method());
            spec.assertWebhookRequest("sessionMessage", request.headers()::get, request.body());
            assertEquals("{\"message\":\"hi ✓\",\"session\":\"s1\",\"client\":\"erin\"}",
                    new String(request.body(), StandardCharsets.UTF_8));
            assertEquals("application/json; charset=utf-8", request.headers().get("Content-Type"));

            // The check can fail: a body without "client" is not the webhook's.
            assertFalse(spec.isValid("/components/schemas/CallbackPayload",
                    JsonMapper.builder().build().readTree("{\"message\":\"m\",\"session\":\"s1\"}")));
        } finally {
            application.stop(0);
        }
    }

    private record Captured(String method, Map<String, String> headers, byte[] body) {
    }

    @Test
    void publishBudgetAnswersMatchTheDocument() {
        String socket = "/publish/{socket_id}";
        String bearer = "Bearer " + BUDGET_SECRET;
        RawResponse created = authorize("POST", BUDGET_SECRET, "crowd", CALLBACK);
        String socketId = JsonMapper.builder().build().readTree(created.bodyText()).get("socket_id").asString();
        for (int i = 0; i < 40; i++) {
            assertEquals("o\n", http.post(publicUrl(socketId, "s" + i, "xhr")).bodyText());
        }
        String message = "{\"message\":\"" + "m".repeat(1000) + "\"}";
        // 1000 bytes for 64 sessions could be queued: two sockets' worth pass the burst.
        expect(413, ErrorCodes.FAN_OUT_TOO_LARGE, "POST", "/publish", publishBatch("{\"targets\":[{\"socket_id\":\""
                + socketId + "\"},{\"socket_id\":\"" + socketOf("budget-other") + "\"}],\"message\":\"" + "m".repeat(1000)
                + "\"}", "Authorization", bearer));
        // Each publish queues 40 x 1000 bytes: the second takes the application into debt.
        for (int i = 0; i < 2; i++) {
            RawResponse published = publish(socketId, null, message, "Authorization", bearer);
            assertEquals("{\"sessions\":40,\"queue_full\":0}", published.bodyText());
        }
        RawResponse refused = publish(socketId, null, message, "Authorization", bearer);
        expect(429, ErrorCodes.TOO_MANY_PUBLISH_BYTES, "POST", socket, refused);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= PUBLISH_BURST, "Retry-After " + retryAfter);
        expect(429, ErrorCodes.TOO_MANY_PUBLISH_BYTES, "POST", "/publish/{socket_id}/{session_id}",
                publish(socketId, "s1", "{\"message\":1}", "Authorization", bearer));
        expect(429, ErrorCodes.TOO_MANY_PUBLISH_BYTES, "POST", "/publish", publishBatch("{\"targets\":[{\"socket_id\":\""
                + socketId + "\"}],\"message\":1}", "Authorization", bearer));
    }

    /** The answer must be one the document lists for the operation, with the expected status and code. */
    private static void expect(int status, String error, String method, String path, RawResponse answer) {
        assertEquals(status, answer.status(), method + " " + path + ": " + answer);
        assertTrue(answer.bodyText().contains("\"error\":\"" + error + "\""), answer.toString());
        check(method, path, answer);
    }

    private static void check(String method, String path, RawResponse answer) {
        spec.assertOperationAnswer(method, path, answer);
    }

    /** A publish body of exactly {@code bytes} bytes. */
    private static String bodyOfLength(int bytes) {
        String head = "{\"message\":\"";
        return head + "x".repeat(bytes - head.length() - 2) + "\"}";
    }

    private static String socketOf(String client) {
        RawResponse answer = authorize("POST", SECRET, client, CALLBACK);
        assertEquals(200, answer.status(), answer.toString());
        return JsonMapper.builder().build().readTree(answer.bodyText()).get("socket_id").asString();
    }

    private static RawResponse authorize(String method, String secret, String client, String body, String... headers) {
        return http.request(method, api("/authorize/" + secret + "/" + client),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static RawResponse publish(String socketId, String sessionId, String body, String... headers) {
        String path = "/publish/" + socketId + (sessionId == null ? "" : "/" + sessionId);
        return http.post(api(path), body, headers);
    }

    private static RawResponse publishBatch(String body, String... headers) {
        return http.post(api("/publish"), body, headers);
    }

    private static String api(String path) {
        return "http://127.0.0.1:" + node.apiPort() + path;
    }

    private static String publicUrl(String path) {
        return "http://127.0.0.1:" + node.publicPort() + path;
    }

    private static String publicUrl(String socketId, String sessionId, String transport) {
        return "http://127.0.0.1:" + node.publicPort() + "/" + socketId + "/000/" + sessionId + "/" + transport;
    }
}

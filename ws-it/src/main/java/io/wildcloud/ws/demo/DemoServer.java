package io.wildcloud.ws.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.client.CallbackVerifier;
import io.wildcloud.ws.common.client.PushApiException;
import io.wildcloud.ws.common.client.PushClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example application's web server, on its own origin: serves the chat page, authorizes each
 * visitor server-side with the application secret ({@code POST /join}; the secret never reaches the
 * browser) and receives the node's callbacks ({@code POST /callback}), which it verifies before it
 * publishes the line to the room.
 */
public final class DemoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoServer.class);
    private static final String VISITOR_COOKIE = "wcdemo_visitor";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DemoSettings settings;
    private final PushClient api;
    private final CallbackVerifier verifier;
    private final ChatRoom room;
    /** Idempotency keys already handled: a retried callback must not print a line twice. */
    private final Set<String> handledKeys = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpServer server;

    private DemoServer(DemoSettings settings) throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(settings.bindHost(), settings.port()), 64);
        // With port 0 the callback's port is known only now.
        this.settings = settings.port() == 0 ? settings.withCallbackOnPort(server.getAddress().getPort()) : settings;
        this.api = PushClient.builder(settings.nodeApi(), settings.applicationSecret()).build();
        this.verifier = new CallbackVerifier(settings.applicationSecret());
        this.room = new ChatRoom(api);
        server.createContext("/", this::route);
        server.setExecutor(executor);
        server.start();
    }

    public static DemoServer start(DemoSettings settings) throws IOException {
        return new DemoServer(settings);
    }

    public DemoSettings settings() {
        return settings;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8090/}. */
    public URI pageUrl() {
        return URI.create("http://" + settings.bindHost() + ":" + port() + "/");
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && (path.equals("/") || path.equals("/index.html"))) {
                DemoResponses.resource(exchange, "index.html", "text/html; charset=utf-8");
            } else if (method.equals("GET") && path.equals("/demo.js")) {
                DemoResponses.resource(exchange, "demo.js", "text/javascript; charset=utf-8");
            } else if (method.equals("GET") && path.equals("/health")) {
                DemoResponses.json(exchange, 200, "{\"status\":\"up\"}");
            } else if (method.equals("POST") && path.equals("/join")) {
                join(exchange);
            } else if (method.equals("POST") && path.equals("/callback")) {
                callback(exchange);
            } else {
                DemoResponses.json(exchange, 404, "{\"error\":\"not_found\",\"message\":\"try GET /\"}");
            }
        } catch (RuntimeException e) {
            log.warn("demo: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    /** Authorizes the visitor (one client id per browser, kept in a cookie) and tells the page where to connect. */
    private void join(HttpExchange exchange) throws IOException {
        JsonObject request = readJson(exchange.getRequestBody());
        String name = request.has("name") ? request.get("name").getAsString().strip() : "";
        if (name.isEmpty() || name.length() > 40) {
            DemoResponses.json(exchange, 400, "{\"error\":\"invalid_name\",\"message\":\"give a name of 1 to 40 characters\"}");
            return;
        }
        String clientId = DemoResponses.cookie(exchange, VISITOR_COOKIE).orElseGet(DemoServer::newVisitorId);
        String socketId;
        try {
            socketId = api.authorize(clientId, settings.callbackUrl());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IOException e) {
            // A PushApiException when the node answered with an error, any other when it did not answer.
            log.warn("client {}: authorize failed: {}", clientId, e.getMessage());
            DemoResponses.json(exchange, 502, "{\"error\":\"authorize_failed\",\"message\":\"is the node running?\"}");
            return;
        }
        room.joined(clientId, name, socketId);
        JsonObject answer = new JsonObject();
        answer.addProperty("client", clientId);
        answer.addProperty("socketId", socketId);
        answer.addProperty("sockjsUrl", settings.nodePublic() + "/" + socketId);
        answer.addProperty("clientScript", settings.nodePublic() + "/sockjs-client/sockjs.min.js");
        exchange.getResponseHeaders().add("Set-Cookie", VISITOR_COOKIE + "=" + clientId + "; Path=/; HttpOnly; SameSite=Lax");
        DemoResponses.json(exchange, 200, answer.toString());
    }

    /** A line a visitor typed, forwarded by the node; trusted only if the signature matches. */
    private void callback(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (!verifier.verify(body, exchange.getRequestHeaders().getFirst(CallbackVerifier.SIGNATURE_HEADER))) {
            log.warn("demo: callback with a bad or missing signature refused");
            DemoResponses.json(exchange, 401, "{\"error\":\"bad_signature\",\"message\":\"not signed by the node\"}");
            return;
        }
        String key = exchange.getRequestHeaders().getFirst(CallbackVerifier.IDEMPOTENCY_KEY_HEADER);
        if (key == null || handledKeys.add(key)) {
            CallbackPayload payload = CallbackPayload.fromJson(new String(body, StandardCharsets.UTF_8));
            room.said(payload.client(), payload.session(), payload.message());
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private static JsonObject readJson(InputStream in) throws IOException {
        return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static String newVisitorId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "visitor-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        room.close();
        executor.shutdownNow();
    }
}

package io.wildcloud.ws.it.browser;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wildcloud.ws.common.client.CallbackVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * The application's callback endpoint in a test: a real HTTP server on 127.0.0.1 that checks each
 * request's signature with the application secret and records what the node sent, in arrival order.
 * A request with a bad signature is answered 401 and recorded as such, so a test can fail on it.
 */
final class CallbackRecorder implements AutoCloseable {

    /** One callback as received. */
    record Callback(String message, String session, String client, String idempotencyKey, boolean signatureValid) {
    }

    private final CallbackVerifier verifier;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Callback> received = new ArrayList<>();

    CallbackRecorder(String applicationSecret) throws IOException {
        this.verifier = new CallbackVerifier(applicationSecret);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/callback", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/callback");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean valid = verifier.verify(body, exchange.getRequestHeaders().getFirst(CallbackVerifier.SIGNATURE_HEADER));
            JsonObject json = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
            Callback callback = new Callback(json.get("message").getAsString(), json.get("session").getAsString(),
                    json.get("client").getAsString(),
                    exchange.getRequestHeaders().getFirst(CallbackVerifier.IDEMPOTENCY_KEY_HEADER), valid);
            synchronized (received) {
                received.add(callback);
                received.notifyAll();
            }
            exchange.sendResponseHeaders(valid ? 204 : 401, -1);
        }
    }

    List<Callback> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Callbacks matching {@code filter}, in arrival order. */
    List<Callback> matching(Predicate<Callback> filter) {
        return all().stream().filter(filter).toList();
    }

    /**
     * Waits until at least {@code count} callbacks match {@code filter}; returns them, in arrival order.
     *
     * @throws AssertionError if they do not arrive within {@code timeout}
     */
    List<Callback> await(Predicate<Callback> filter, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                List<Callback> hits = new ArrayList<>();
                for (Callback callback : received) {
                    if (filter.test(callback)) {
                        hits.add(callback);
                    }
                }
                if (hits.size() >= count) {
                    return hits;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " callbacks within " + timeout + ", got "
                            + hits.size() + " matching of " + received.size() + ": " + summary(received));
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static String summary(List<Callback> callbacks) {
        List<String> parts = new ArrayList<>();
        for (Callback c : callbacks) {
            String m = c.message();
            parts.add("[" + c.session() + " " + (m.length() > 40 ? m.substring(0, 40) + "…(" + m.length() + ")" : m) + "]");
        }
        return String.join(", ", parts);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

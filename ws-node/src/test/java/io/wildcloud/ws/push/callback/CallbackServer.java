package io.wildcloud.ws.push.callback;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 that plays an application's callback: it records every request
 * and answers as the test scripts it, possibly holding a request until the test lets it go.
 */
public final class CallbackServer implements AutoCloseable {

    /** One request as received. */
    public record Received(String path, String body, String signature, String idempotencyKey, String contentType,
            int concurrentAtArrival) {
    }

    /** How to answer: a status, optionally after {@code hold} is released (bounded wait). */
    public record Reply(int status, CountDownLatch hold) {
        public static Reply status(int status) {
            return new Reply(status, null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private volatile Function<Received, Reply> script = r -> Reply.status(200);

    public CallbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Sets how the server answers from now on; called with each request in arrival order. */
    public void script(Function<Received, Reply> script) {
        this.script = script;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = concurrent.incrementAndGet();
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Received request = new Received(exchange.getRequestURI().getPath(), body,
                    exchange.getRequestHeaders().getFirst("X-Wildcloud-Signature"),
                    exchange.getRequestHeaders().getFirst("X-Wildcloud-Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), now);
            received.add(request);
            Reply reply = script.apply(request);
            if (reply.hold() != null && !reply.hold().await(20, TimeUnit.SECONDS)) {
                return;
            }
            concurrent.decrementAndGet();
            now = -1;
            exchange.sendResponseHeaders(reply.status(), -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (now >= 0) {
                concurrent.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

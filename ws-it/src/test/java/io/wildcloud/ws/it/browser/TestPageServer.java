package io.wildcloud.ws.it.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the browser test page from its own origin (its own 127.0.0.1 port), so that every SockJS
 * request the page makes to the node is cross-origin, as in real deployments.
 */
final class TestPageServer implements AutoCloseable {

    static final String PAGE = "sockjs-test.html";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    TestPageServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI pageUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + PAGE);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = TestPageServer.class.getResourceAsStream(PAGE)) {
            if (!exchange.getRequestURI().getPath().equals("/" + PAGE) || in == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = in.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

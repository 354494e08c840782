package io.wildcloud.ws.demo;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Small helpers for the demo server's answers. */
final class DemoResponses {

    private DemoResponses() {
    }

    static void json(HttpExchange exchange, int status, String json) throws IOException {
        send(exchange, status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    /** Serves a file of this package's resources (the page and its script). */
    static void resource(HttpExchange exchange, String name, String contentType) throws IOException {
        try (InputStream in = DemoResponses.class.getResourceAsStream(name)) {
            if (in == null) {
                json(exchange, 404, "{\"error\":\"not_found\",\"message\":\"resource " + name + " missing from the jar\"}");
                return;
            }
            exchange.getResponseHeaders().add("Cache-Control", "no-cache");
            send(exchange, 200, contentType, in.readAllBytes());
        }
    }

    static Optional<String> cookie(HttpExchange exchange, String name) {
        List<String> headers = exchange.getRequestHeaders().getOrDefault("Cookie", List.of());
        for (String header : headers) {
            for (String part : header.split(";")) {
                String[] pair = part.strip().split("=", 2);
                if (pair.length == 2 && pair[0].equals(name) && pair[1].matches("[A-Za-z0-9_-]{1,64}")) {
                    return Optional.of(pair[1]);
                }
            }
        }
        return Optional.empty();
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}

package io.wildcloud.ws.it.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One-shot HTTP/1.1 requests over {@link RawHttp}: a fresh connection per request, closed once the
 * response is read, so no test depends on another's connection. POSTs always carry
 * {@code Content-Length} (0 when empty), as browsers send them.
 */
public final class Http {

    private final Duration readTimeout;

    public Http(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    public RawResponse get(String url, String... headers) {
        return request("GET", url, null, headers);
    }

    public RawResponse post(String url, String body, String... headers) {
        return request("POST", url, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public RawResponse post(String url) {
        return post(url, "");
    }

    public RawResponse options(String url, String... headers) {
        return request("OPTIONS", url, null, headers);
    }

    /** Any request; a null body sends no Content-Length header at all. */
    public RawResponse request(String method, String url, byte[] body, String... headers) {
        URI uri = URI.create(url);
        try (RawHttp connection = RawHttp.connect(uri, readTimeout)) {
            connection.send(method, target(uri), "1.1", body, headers);
            return connection.readResponse(method);
        }
    }

    /**
     * Sends a request whose response streams (xhr_streaming, eventsource, htmlfile, a held poll)
     * and returns once its head has arrived; read the body chunk by chunk from the result.
     */
    public Stream open(String method, String url, String... headers) {
        URI uri = URI.create(url);
        RawHttp connection = RawHttp.connect(uri, readTimeout);
        try {
            connection.send(method, target(uri), "1.1", method.equals("GET") ? null : new byte[0], headers);
            return new Stream(connection, connection.readHead());
        } catch (RuntimeException | Error e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Sends a request and does not wait for any answer: a poll left hanging, as a browser leaves
     * one. Close it to abort the request.
     */
    public RawHttp sendOnly(String method, String url, String... headers) {
        URI uri = URI.create(url);
        RawHttp connection = RawHttp.connect(uri, readTimeout);
        connection.send(method, target(uri), "1.1", method.equals("GET") ? null : new byte[0], headers);
        return connection;
    }

    public RawHttp connect(String url) {
        return RawHttp.connect(URI.create(url), readTimeout);
    }

    /** The request target as the server must see it: raw path and raw query, nothing normalised. */
    public static String target(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** A streaming response: its head, and its body read one chunk at a time. */
    public static final class Stream implements AutoCloseable {
        private final RawHttp connection;
        private final RawResponse head;

        Stream(RawHttp connection, RawResponse head) {
            this.connection = connection;
            this.head = head;
        }

        public RawResponse head() {
            return head;
        }

        public String header(String name) {
            return head.header(name);
        }

        /** The next chunk as the server framed it, as UTF-8 text; "" when the body has ended. */
        public String nextChunk() {
            if (!head.isChunked()) {
                throw new AssertionError("response is not chunked:\n" + head);
            }
            return new String(connection.readChunk(), StandardCharsets.UTF_8);
        }

        /** Whether the server closed the connection within the read timeout. */
        public boolean isClosedByServer() {
            return connection.isClosedByServer();
        }

        public RawHttp connection() {
            return connection;
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}

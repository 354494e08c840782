package io.wildcloud.ws.it.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An RFC 6455 websocket client for tests (the JDK's), turned into a queue of events that a test
 * reads in order: text messages, then how the connection ended. Every wait is bounded.
 */
public final class WsClient implements AutoCloseable {

    /** Something that happened on the connection. */
    public sealed interface Event permits Text, Closed, Failed {
    }

    public record Text(String text) implements Event {
    }

    /** The server sent a close frame. */
    public record Closed(int code, String reason) implements Event {
    }

    /** The connection broke without a close frame (for example the server dropped it). */
    public record Failed(Throwable error) implements Event {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Duration timeout;
    private final WebSocket socket;

    private WsClient(URI uri, Duration timeout) {
        this.timeout = timeout;
        try {
            this.socket = HTTP.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, new Collector())
                    .get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while connecting to " + uri, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("websocket handshake with " + uri + " failed", e);
        }
    }

    /** Opens a websocket to {@code url} (http:// or ws://); fails the test if the handshake fails. */
    public static WsClient connect(String url, Duration timeout) {
        return new WsClient(URI.create(url.replaceFirst("^http", "ws")), timeout);
    }

    public void send(String text) {
        try {
            socket.sendText(text, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot send '" + text + "'", e);
        }
    }

    /** The next event; fails when none comes within the timeout. */
    public Event next() {
        try {
            Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("nothing from the server within " + timeout.toMillis() + " ms");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next event, which must be a text message. */
    public String nextText() {
        Event event = next();
        if (event instanceof Text text) {
            return text.text();
        }
        throw new AssertionError("expected a text message, got " + event);
    }

    /** Waits for the connection to end, either with a close frame or by breaking. */
    public Event awaitEnd() {
        Event event = next();
        if (event instanceof Text text) {
            throw new AssertionError("expected the connection to end, got message '" + text.text() + "'");
        }
        return event;
    }

    /** Drops the connection without a close handshake, as a crashed browser tab would. */
    @Override
    public void close() {
        socket.abort();
    }

    /** Feeds the queue; asks for one message at a time so that the queue sees them in order. */
    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                events.add(new Text(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            events.add(new Failed(new AssertionError("unexpected binary frame of " + data.remaining() + " bytes")));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(new Failed(error));
        }
    }
}

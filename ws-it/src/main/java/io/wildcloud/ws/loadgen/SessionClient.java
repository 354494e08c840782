package io.wildcloud.ws.loadgen;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One SockJS session as a browser would hold it, over one transport. Subclasses speak the
 * transport; this class reads frames and hands each message to the sink.
 */
public abstract class SessionClient {

    /** The transports the load generator speaks. */
    public enum Transport {
        WEBSOCKET, XHR_STREAMING, XHR_POLLING;

        public static Transport parse(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    protected final HttpClient http;
    /** {@code http://host:port/<socket_id>/<server>/<session>}: the transport appends its suffix. */
    protected final URI sessionUrl;
    private final Consumer<String> sink;
    protected final CompletableFuture<Void> opened = new CompletableFuture<>();
    protected final CompletableFuture<SockJsFrame> closed = new CompletableFuture<>();
    protected volatile boolean stopping;

    protected SessionClient(HttpClient http, URI endpoint, Consumer<String> sink) {
        this.http = http;
        String base = endpoint.toString().replaceAll("/+$", "");
        String server = String.format("%03d", (int) (Math.random() * 1000));
        this.sessionUrl = URI.create(base + "/" + server + "/" + UUID.randomUUID().toString().replace("-", ""));
        this.sink = sink;
    }

    public static SessionClient create(Transport transport, HttpClient http, URI endpoint, Consumer<String> sink) {
        return switch (transport) {
            case WEBSOCKET -> new WebSocketSessionClient(http, endpoint, sink);
            case XHR_STREAMING -> new XhrStreamingSessionClient(http, endpoint, sink);
            case XHR_POLLING -> new XhrPollingSessionClient(http, endpoint, sink);
        };
    }

    /** Opens the session; the stage completes when the open frame arrived. */
    public abstract CompletableFuture<Void> open();

    /** Ends the session from the client side. */
    public abstract void stop();

    /** Completes with the close frame if the server closed the session. */
    public CompletableFuture<SockJsFrame> closed() {
        return closed;
    }

    /** Handles one frame's text; answers false once the session is over. */
    protected boolean onFrame(String text) {
        if (text.isEmpty()) {
            return true;
        }
        SockJsFrame frame;
        try {
            frame = SockJsFrame.parse(text);
        } catch (RuntimeException e) {
            // The xhr_streaming prelude (a run of 'h') and anything else unknown.
            return true;
        }
        switch (frame.kind()) {
            case OPEN -> opened.complete(null);
            case MESSAGES -> frame.messages().forEach(sink);
            case CLOSE -> {
                closed.complete(frame);
                opened.completeExceptionally(new IllegalStateException("closed before open: " + frame));
                return false;
            }
            default -> { }
        }
        return true;
    }

    protected void failed(Throwable error) {
        opened.completeExceptionally(error);
        if (!stopping) {
            closed.completeExceptionally(error);
        }
    }
}

package io.wildcloud.ws.loadgen;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.SockJsJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
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

    /** {@code http://host:port/<socket_id>/<server>/<session>}: the transport appends its suffix. */
    protected final URI sessionUrl;
    private final Consumer<String> sink;
    protected final CompletableFuture<Void> opened = new CompletableFuture<>();
    protected final CompletableFuture<SockJsFrame> closed = new CompletableFuture<>();
    protected volatile boolean stopping;
    private volatile BiConsumer<String, String> servedListener = (node, outcome) -> { };

    /** {@code sessionUrl}: see {@link #sessionUrlUnder}, or a plain websocket's whole URL. */
    protected SessionClient(URI sessionUrl, Consumer<String> sink) {
        this.sessionUrl = sessionUrl;
        this.sink = sink;
    }

    /** A new SockJS session's URL under {@code endpoint}: a random server number and session id appended. */
    protected static URI sessionUrlUnder(URI endpoint) {
        String base = endpoint.toString().replaceAll("/+$", "");
        String server = String.format("%03d", (int) (Math.random() * 1000));
        return URI.create(base + "/" + server + "/" + UUID.randomUUID().toString().replace("-", ""));
    }

    /**
     * A plain websocket (no SockJS) to {@code url} whose every text frame is one message: a
     * subscriber of Nchan, issue 17's reference server. Open once the handshake is done.
     */
    public static SessionClient plainWebSocket(ClientLoops loops, URI url, Consumer<String> sink) {
        return new WebSocketSessionClient(loops, url, sink, true);
    }

    /** Hands one message to the sink (a plain websocket's frame). */
    protected void deliver(String message) {
        sink.accept(message);
    }

    /** Websocket sessions run on {@code loops}; the xhr transports on the JDK client {@code http}. */
    public static SessionClient create(Transport transport, HttpClient http, ClientLoops loops, URI endpoint,
                                       Consumer<String> sink) {
        return switch (transport) {
            case WEBSOCKET -> new WebSocketSessionClient(loops, endpoint, sink);
            case XHR_STREAMING -> new XhrStreamingSessionClient(http, endpoint, sink);
            case XHR_POLLING -> new XhrPollingSessionClient(http, endpoint, sink);
        };
    }

    /** Told, for each request that ends, which node served it and what it came to (for the loss report). */
    void onServed(BiConsumer<String, String> listener) {
        servedListener = listener;
    }

    /** A request ended: {@code response} null if it got none; {@code outcome} says what it brought. */
    protected void served(HttpResponse<?> response, String outcome) {
        String node = response == null ? "?" : response.headers().firstValue(SERVED_BY).orElse("?");
        servedListener.accept(node, outcome);
    }

    /** The header the fault rig's balancer names the serving node in. */
    public static final String SERVED_BY = "X-Served-By";

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
        if (text.equals("o")) {
            if (opened.isDone()) {
                // The server lost the session and opened a new one under its id (a poll that came
                // after the disconnect delay): sockjs-client closes with 1006 "Server lost session".
                failed(new IllegalStateException("server lost session: a second open frame"));
                return false;
            }
            opened.complete(null);
        } else if (text.startsWith("a[")) {
            if (stopping) {
                // Its client closed it (--churn, or the run's end): a poll or stream still in flight
                // may bring what the session's queue held, which a closed tab never reads; the
                // slot's next session may get the same messages, published while both were listed.
                return false;
            }
            try {
                messagesOf(text).forEach(sink);
            } catch (RuntimeException e) {
                failed(new IllegalStateException("malformed message frame: " + text, e));
                return false;
            }
        } else if (text.startsWith("c[")) {
            SockJsFrame frame;
            try {
                frame = SockJsFrame.parse(text);
            } catch (RuntimeException e) {
                failed(new IllegalStateException("malformed close frame: " + text, e));
                return false;
            }
            closed.complete(frame);
            opened.completeExceptionally(new IllegalStateException("closed before open: " + frame));
            return false;
        }
        // Heartbeats, the xhr_streaming prelude (a run of 'h') and anything else: nothing to do.
        return true;
    }

    /**
     * The messages of an {@code a[...]} frame. Strings without escapes (what the load generator
     * publishes) are cut out as they are; anything else goes through the full JSON decoder.
     */
    static List<String> messagesOf(String frame) {
        int end = frame.length() - 1;
        if (frame.indexOf('\\') >= 0 || frame.charAt(end) != ']') {
            return SockJsJson.decodeMessages(frame.substring(1));
        }
        List<String> messages = new ArrayList<>(2);
        int at = 2;
        while (at < end) {
            if (frame.charAt(at) != '"') {
                return SockJsJson.decodeMessages(frame.substring(1));
            }
            int quote = frame.indexOf('"', at + 1);
            if (quote < 0 || quote >= end) {
                return SockJsJson.decodeMessages(frame.substring(1));
            }
            messages.add(frame.substring(at + 1, quote));
            at = quote + 1;
            if (at < end) {
                if (frame.charAt(at) != ',') {
                    return SockJsJson.decodeMessages(frame.substring(1));
                }
                at++;
            }
        }
        return messages;
    }

    protected void failed(Throwable error) {
        opened.completeExceptionally(error);
        if (!stopping) {
            closed.completeExceptionally(error);
        }
    }
}

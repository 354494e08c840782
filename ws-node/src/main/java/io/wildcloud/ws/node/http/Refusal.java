package io.wildcloud.ws.node.http;

/**
 * Why the connection guard refused a connection or a request, or ended a connection: the
 * {@code reason} tag of {@code ws.http.refused}. Each is counted once, where it happens.
 */
public enum Refusal {
    /** Nothing, or no complete head, arrived within {@code request-head-timeout} (408, or a silent close when nothing came). */
    HEAD_TIMEOUT("head_timeout"),
    /** A keep-alive connection sent no next request within {@code idle-timeout}; closed without a word. */
    IDLE_TIMEOUT("idle_timeout"),
    /** A body did not complete within {@code body-timeout} (408). */
    BODY_TIMEOUT("body_timeout"),
    /** A body came slower than {@code body-progress-bytes} per {@code body-progress-interval} (408). */
    BODY_TOO_SLOW("body_too_slow"),
    /** A body, declared or counted, over the port's body limit (413). */
    BODY_TOO_LARGE("body_too_large"),
    /** The port's share of {@code max-request-memory} was spent (503 {@code busy}). */
    BUSY("busy"),
    /**
     * A websocket's message in progress found the port's share of {@code max-request-memory} spent
     * (closed with 1013).
     */
    WEBSOCKET_BUSY("websocket_busy"),
    /** The port held {@code max-connections}; closed at accept. */
    MAX_CONNECTIONS("max_connections"),
    /**
     * The client address held {@code max-connections-per-address}: closed at accept, or 429 for a
     * client a trusted proxy forwards.
     */
    MAX_CONNECTIONS_PER_ADDRESS("max_connections_per_address"),
    /**
     * Not valid HTTP/1.1 (a chunk-size line over the decoder's limit too), a body in over 4096
     * pieces, or a bad %-escape in the path (400).
     */
    BAD_REQUEST("bad_request"),
    /** Headers over the decoder's limit (431). */
    HEADERS_TOO_LARGE("headers_too_large"),
    /** A request line over the decoder's limit (414). */
    URI_TOO_LONG("uri_too_long"),
    /**
     * A SockJS request answered 404 at once, without asking the store whether its socket exists:
     * its client address had more answers for unknown sockets than {@code unknown-socket-burst} and
     * {@code max-unknown-sockets-per-second} allow (public port only).
     */
    UNKNOWN_SOCKETS("unknown_sockets");

    private final String tag;

    Refusal(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code reason} tag. */
    public String tag() {
        return tag;
    }

    /** Counts refusals of one port; called on event loops, so it must be quick and never block. */
    @FunctionalInterface
    public interface Counter {

        Counter NONE = refusal -> {
        };

        void count(Refusal refusal);
    }
}

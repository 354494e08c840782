package io.wildcloud.ws.sockjs;

/**
 * What the SockJS layer tells the node's metrics, without depending on a metrics library. Called
 * on event loops and store threads for every message batch: implementations must be quick, must
 * not block and must not allocate per call (resolve their meters up front).
 */
public interface SockJsMetrics {

    /** Records nothing: the default for tests and embedding. */
    SockJsMetrics NONE = new SockJsMetrics() {
    };

    /** Why a session ended, as far as this node saw it. */
    enum CloseReason {
        /** The service (the application, or the push service) closed it. */
        CLOSED("closed"),
        /** Its polling or streaming client went away while a request held the session. */
        INTERRUPTED("interrupted"),
        /** No request came back within its disconnect delay. */
        EXPIRED("expired"),
        /** Its websocket connection ended. */
        WEBSOCKET_ENDED("websocket_ended");

        private final String tag;

        CloseReason(String tag) {
            this.tag = tag;
        }

        /** The value of the {@code reason} tag. */
        public String tag() {
            return tag;
        }
    }

    /** This node created a session for a first request of {@code transport}. */
    default void sessionOpened(TransportType transport) {
    }

    /** A session ended (counted once, on the node where the end took effect). */
    default void sessionClosed(CloseReason reason) {
    }

    /** A receiving connection of {@code transport} (websocket, stream, held poll) now serves a session here. */
    default void connectionOpened(TransportType transport) {
    }

    /** That connection stopped serving its session. */
    default void connectionClosed(TransportType transport) {
    }

    /** {@code count} messages came from a browser and were handed to the service. */
    default void messagesReceived(int count) {
    }

    /**
     * A frame of {@code count} messages from a browser was refused whole, over its session's
     * {@link ClientMessageLimit} in the {@code exceeded} dimension, and the session closed.
     */
    default void messagesRefused(int count, ClientMessageLimit.Exceeded exceeded) {
    }

    /** {@code count} messages were written to a browser. */
    default void messagesSent(int count) {
    }

    /**
     * A request was answered 404 at once, without asking the store whether its endpoint exists:
     * its client address had spent its {@link UnknownEndpointLimit} budget.
     */
    default void unknownEndpointRefused() {
    }

    /**
     * The node closed a websocket for its peer's fault with {@code code}: 1002 (protocol error),
     * 1007 (invalid UTF-8), 1008 (over the control-frame budget) or 1009 (message too big).
     */
    default void webSocketRefused(int code) {
    }
}

package io.wildcloud.ws.push;

/**
 * What the push API tells the node's metrics, without depending on a metrics library. Called on
 * store threads once per publish request: implementations must be quick and must not block.
 */
public interface PushMetrics {

    /** Records nothing. */
    PushMetrics NONE = new PushMetrics() {
    };

    /** How a publish request ended. */
    enum PublishOutcome {
        /** Queued for at least one session (or the socket had none). */
        OK("ok"),
        /** The socket or the session does not exist. */
        NOT_FOUND("not_found"),
        /** Every addressed session's queue was full: nothing was queued. */
        QUEUE_FULL("queue_full"),
        /**
         * Refused before the store, over the application's {@link PublishBudget}: in debt (429) or
         * more at once than its burst (413).
         */
        OVER_BUDGET("over_budget"),
        /**
         * Refused over the application's remembered request ids ({@code max-request-ids-per-application},
         * 429 {@code too_many_request_ids}): it carried a request id that was no repeat.
         */
        TOO_MANY_REQUEST_IDS("too_many_request_ids"),
        /** The store failed or something unexpected happened. */
        ERROR("error");

        private final String tag;

        PublishOutcome(String tag) {
            this.tag = tag;
        }

        /** The value of the {@code outcome} tag. */
        public String tag() {
            return tag;
        }
    }

    /** Why a new session was refused (closed in place of its open frame). */
    enum SessionRefusal {
        /** Its socket has {@code sessions-per-socket} open already ({@code 4002}). */
        TOO_MANY_SESSIONS("too_many_sessions"),
        /** Its socket opens sessions faster than {@code max-new-sessions-per-second} allows ({@code 4429}). */
        OPENING_TOO_FAST("opening_too_fast"),
        /** Its socket is gone ({@code 4004}). */
        SOCKET_UNKNOWN("socket_unknown"),
        /** The store could not be reached ({@code 4503}). */
        STORE_UNAVAILABLE("store_unavailable");

        private final String tag;

        SessionRefusal(String tag) {
            this.tag = tag;
        }

        /** The value of the {@code reason} tag. */
        public String tag() {
            return tag;
        }
    }

    /** A new session was refused for {@code reason}. */
    default void sessionRefused(SessionRefusal reason) {
    }

    /** A publish request ended with {@code outcome} after {@code nanos}. */
    default void published(PublishOutcome outcome, long nanos) {
    }

    /** A revoke through the API closed {@code sessions} open sessions. */
    default void sessionsRevoked(int sessions) {
    }

    /** A publish queued a message for a session whose queue now holds {@code messages} (this one included). */
    default void queueDepth(int messages) {
    }

    /** {@code sessions} session queues refused a message because they were full. */
    default void queueOverflows(int sessions) {
    }
}

package io.wildcloud.ws.common.sockjs;

/**
 * Every close code this service puts in a SockJS {@code c[code,"reason"]} frame, with its meaning,
 * in one place. 1000–2999 are SockJS's own; 3000–4999 are left to applications of the protocol.
 */
public final class CloseCodes {

    /** Websocket close 1001: the node is shutting down; the client should reconnect. */
    public static final int GOING_AWAY = 1001;
    public static final String GOING_AWAY_REASON = "Server going away";

    /** SockJS: the client aborted a receiving request; the session cannot go on. */
    public static final int CONNECTION_INTERRUPTED = 1002;
    public static final String CONNECTION_INTERRUPTED_REASON = "Connection interrupted";

    /**
     * Websocket close 1011 (the server could not go on): the store did not answer the look-up a
     * client's message needs before its callback for as long as sessions outlive a store stall;
     * the message that waited, and any sent after it on the connection, did not reach the
     * application. The client may reconnect and send them again.
     */
    public static final int STORE_UNAVAILABLE = 1011;
    public static final String STORE_UNAVAILABLE_REASON = "Store unavailable";
    /** Close 1011 when the messages failed otherwise than by the store (a fault of the node's own). */
    public static final String INTERNAL_ERROR_REASON = "Internal error";

    /** SockJS: a second receiving request came while one was still open for the session. */
    public static final int ANOTHER_CONNECTION_OPEN = 2010;
    public static final String ANOTHER_CONNECTION_OPEN_REASON = "Another connection still open";

    /** SockJS's conventional application close ("Go away!"), used by the protocol-test services. */
    public static final int GO_AWAY = 3000;
    public static final String GO_AWAY_REASON = "Go away!";

    /**
     * Push service: the application revoked the socket ({@code DELETE /authorize/...}); every
     * open session of the socket gets this, and the socket id is gone for good.
     */
    public static final int SOCKET_REVOKED = 4001;
    public static final String SOCKET_REVOKED_REASON = "Socket revoked";

    /**
     * Push service: the socket already has its maximum of open sessions (the limit
     * {@code maxSessionsPerSocket}); the new session is closed right after its open frame.
     */
    public static final int TOO_MANY_SESSIONS = 4002;
    public static final String TOO_MANY_SESSIONS_REASON = "Too many sessions for this socket";

    /**
     * Push service: the socket no longer exists (revoked or expired while idle) although the
     * session still did; the client should ask its application for a new socket id.
     */
    public static final int SOCKET_UNKNOWN = 4004;
    public static final String SOCKET_UNKNOWN_REASON = "Unknown socket";

    /**
     * A session's client sent more than its limit: more messages ({@code max-client-messages-per-second}
     * and {@code client-message-burst}; reason {@link #MESSAGE_RATE_EXCEEDED_REASON}) or more bytes
     * ({@code max-client-bytes-per-second} and {@code client-byte-burst}; reason
     * {@link #MESSAGE_BYTES_EXCEEDED_REASON}). The frame over it was refused whole (none of its
     * messages reached the application) and the session closed. The reason names the limit; the
     * client should send fewer messages (batching data into fewer, larger ones), or fewer bytes.
     */
    public static final int MESSAGE_RATE_EXCEEDED = 4429;
    public static final String MESSAGE_RATE_EXCEEDED_REASON = "Too many messages";
    public static final String MESSAGE_BYTES_EXCEEDED_REASON = "Too many bytes";
    /** With {@link #MESSAGE_RATE_EXCEEDED}: the socket opens new sessions faster than its node allows; not opened. */
    public static final String NEW_SESSIONS_EXCEEDED_REASON = "Too many new sessions";

    /**
     * Push service: the store lost the session's state (Redis restarted empty or was flushed, so
     * its cluster epoch changed); every open session of every node gets this at once. Messages
     * queued and not yet delivered are gone, and so is the socket: the client should ask its
     * application for a new socket id (reconnecting with the old one gets {@link #SOCKET_UNKNOWN}).
     */
    public static final int SESSION_STATE_LOST = 4010;
    public static final String SESSION_STATE_LOST_REASON = "Session state lost";

    /**
     * Push service: the node could not register the session because its store could not be
     * reached; the client may reconnect later.
     */
    public static final int SERVICE_UNAVAILABLE = 4503;
    public static final String SERVICE_UNAVAILABLE_REASON = "Service unavailable";
    /**
     * With {@link #SERVICE_UNAVAILABLE}: the messages the client sent were refused whole (none
     * reached the application) because too many of its application's messages wait for its callback
     * on this node ({@code callback-backlog-bytes-per-application}, {@code callback-backlog-bytes});
     * the client may reconnect and send again later.
     */
    public static final String CALLBACK_BACKLOG_FULL_REASON = "Too many messages wait for the application";

    private CloseCodes() {
    }
}

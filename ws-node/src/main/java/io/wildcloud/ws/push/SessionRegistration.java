package io.wildcloud.ws.push;

/** What became of {@link SocketStore#addSession}. */
public enum SessionRegistration {
    /** The session is in the socket's index (also when it already was). */
    ADDED,
    /** The socket already has its maximum of sessions; nothing changed. */
    LIMIT_REACHED,
    /** No such socket (never authorized, revoked or expired); nothing changed. */
    SOCKET_NOT_FOUND
}

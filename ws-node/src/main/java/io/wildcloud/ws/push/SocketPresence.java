package io.wildcloud.ws.push;

/**
 * What a request naming a socket (and, for a session request, one of its sessions) finds in the
 * store, before anything else is asked ({@link SocketStore#presence}).
 */
public enum SocketPresence {
    /** The socket lives. */
    LIVE,
    /**
     * The socket is gone (revoked, expired) and the named session is still in the session store: a
     * poll or stream of it gets its close frame, so a client between two polls learns why it ended.
     */
    GONE_WITH_SESSION,
    /** Neither the socket nor the named session exists: the request is answered 404, nothing more asked. */
    UNKNOWN
}

package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client's send needs before its messages go to the callback, read in one step
 * ({@link SocketStore#use}): the session's status and, when it is open, its socket.
 *
 * @param session the session's status in the store
 * @param socket the session's socket, if the session is open and the socket lives (the read counted as use)
 */
public record SocketUse(SessionStatus session, Optional<SocketRecord> socket) {

    public SocketUse {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(socket, "socket");
    }

    /** A session not open: no socket was read. */
    public static SocketUse notOpen(SessionStatus status) {
        return new SocketUse(status, Optional.empty());
    }
}

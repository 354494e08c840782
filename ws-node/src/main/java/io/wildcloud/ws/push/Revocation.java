package io.wildcloud.ws.push;

import java.util.Objects;
import java.util.Set;

/** What {@link SocketStore#revoke} removed: the socket and the sessions its index held. */
public record Revocation(SocketRecord socket, Set<String> sessionIds) {

    public Revocation {
        Objects.requireNonNull(socket, "socket");
        sessionIds = Set.copyOf(sessionIds);
    }
}

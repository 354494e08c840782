package io.wildcloud.ws.push;

import java.util.Objects;

/** What {@link SocketStore#authorize} did: the socket, and whether it was created just now. */
public record Authorization(SocketRecord socket, boolean created) {

    public Authorization {
        Objects.requireNonNull(socket, "socket");
    }
}

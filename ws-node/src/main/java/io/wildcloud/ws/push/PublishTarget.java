package io.wildcloud.ws.push;

import java.util.Objects;

/**
 * One publish of a batch ({@link SocketStore#publishAll}): a message for every session of a
 * socket, or for one of them.
 *
 * @param sessionId the one session to publish to, or {@code null} for every session in the
 *     socket's index
 * @param message the text the session receives
 */
public record PublishTarget(String socketId, String sessionId, String message) {

    public PublishTarget {
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(message, "message");
    }
}

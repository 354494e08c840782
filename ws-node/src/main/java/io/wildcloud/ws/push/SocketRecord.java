package io.wildcloud.ws.push;

import java.net.URI;
import java.util.Objects;

/**
 * One authorized socket: the application's grant to one of its clients.
 *
 * @param socketId the random id the browser connects with
 * @param application the application's {@link Application#name() name} (never its secret)
 * @param clientId the application's own id for the client
 * @param callback where the client's messages are POSTed
 */
public record SocketRecord(String socketId, String application, String clientId, URI callback) {

    public SocketRecord {
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(callback, "callback");
    }
}

package io.wildcloud.ws.push.callback;

import io.wildcloud.ws.sockjs.session.LogTag;
import java.net.URI;
import java.util.Objects;

/**
 * Where and as whom one session's messages go: the socket's callback, the application whose
 * secret signs the requests, and the client id the payload names.
 */
public record CallbackTarget(URI callback, String applicationName, String secret, String socketId,
        String clientId) {

    public CallbackTarget {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(applicationName, "applicationName");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(clientId, "clientId");
    }

    /** The callback's scheme, host and port: what logs may show (a path or query may hold tokens). */
    public String loggableOrigin() {
        return callback.getScheme() + "://" + callback.getHost() + (callback.getPort() >= 0 ? ":" + callback.getPort() : "");
    }

    /** The secret is redacted. */
    @Override
    public String toString() {
        return "CallbackTarget[" + loggableOrigin() + ", application=" + applicationName + ", socket=" + LogTag.of(socketId)
                + ", client=" + clientId + "]";
    }
}

package io.wildcloud.ws.sockjs;

import java.time.Duration;
import java.util.Objects;

/**
 * How one SockJS endpoint behaves; the names follow sockjs-node's options.
 *
 * @param websocketEnabled whether the websocket transports are offered ({@code /info} says so)
 * @param cookieNeeded whether session responses set {@code JSESSIONID} (sockjs-node's
 *     {@code jsessionid}); load balancers that pin by that cookie need it, ours does not
 * @param heartbeatInterval how long a receiver stays silent before an {@code h} frame
 * @param disconnectDelay how long a session lives with no receiver
 * @param responseLimit bytes of frames one streaming response carries before it ends and the
 *     client opens the next (the prelude does not count)
 * @param clientScriptUrl the sockjs-client script that the iframe page loads
 * @param maxMessageBytes the largest body an {@code xhr_send}, {@code jsonp_send} or websocket
 *     frame may carry
 * @param clientMessageLimit how many messages and bytes a session's client may send, per second and
 *     at once; its byte burst at least {@code maxMessageBytes}
 */
public record SockJsOptions(
        boolean websocketEnabled,
        boolean cookieNeeded,
        Duration heartbeatInterval,
        Duration disconnectDelay,
        int responseLimit,
        String clientScriptUrl,
        int maxMessageBytes,
        ClientMessageLimit clientMessageLimit) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(25);
    public static final Duration DEFAULT_DISCONNECT_DELAY = Duration.ofSeconds(5);
    public static final int DEFAULT_RESPONSE_LIMIT = 128 * 1024;
    /** Served by the node itself from the sockjs-client webjar, never from a CDN. */
    public static final String DEFAULT_CLIENT_SCRIPT_URL = "/sockjs-client/sockjs.min.js";
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

    public SockJsOptions {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(disconnectDelay, "disconnectDelay");
        Objects.requireNonNull(clientScriptUrl, "clientScriptUrl");
        Objects.requireNonNull(clientMessageLimit, "clientMessageLimit");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive: " + heartbeatInterval);
        }
        if (disconnectDelay.isNegative() || disconnectDelay.isZero()) {
            throw new IllegalArgumentException("disconnectDelay must be positive: " + disconnectDelay);
        }
        if (responseLimit < 1) {
            throw new IllegalArgumentException("responseLimit must be at least 1 byte: " + responseLimit);
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1 byte: " + maxMessageBytes);
        }
        if (clientMessageLimit.byteBurst() < maxMessageBytes) {
            // Else a frame the size limit lets through could never pass, not even first.
            throw new IllegalArgumentException("clientMessageLimit's byteBurst (" + clientMessageLimit.byteBurst()
                    + ") must be at least maxMessageBytes: " + maxMessageBytes);
        }
        if (!clientScriptUrl.startsWith("/") && !clientScriptUrl.startsWith("http")) {
            throw new IllegalArgumentException("clientScriptUrl must start with / or http: " + clientScriptUrl);
        }
    }

    /** sockjs-node's defaults, with our own client script. */
    public static SockJsOptions defaults() {
        return new SockJsOptions(true, false, DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_DISCONNECT_DELAY,
                DEFAULT_RESPONSE_LIMIT, DEFAULT_CLIENT_SCRIPT_URL, DEFAULT_MAX_MESSAGE_BYTES,
                ClientMessageLimit.defaults(DEFAULT_MAX_MESSAGE_BYTES));
    }

    public SockJsOptions withWebsocketEnabled(boolean enabled) {
        return new SockJsOptions(enabled, cookieNeeded, heartbeatInterval, disconnectDelay, responseLimit,
                clientScriptUrl, maxMessageBytes, clientMessageLimit);
    }

    public SockJsOptions withCookieNeeded(boolean needed) {
        return new SockJsOptions(websocketEnabled, needed, heartbeatInterval, disconnectDelay, responseLimit,
                clientScriptUrl, maxMessageBytes, clientMessageLimit);
    }

    public SockJsOptions withResponseLimit(int limit) {
        return new SockJsOptions(websocketEnabled, cookieNeeded, heartbeatInterval, disconnectDelay, limit,
                clientScriptUrl, maxMessageBytes, clientMessageLimit);
    }

    public SockJsOptions withHeartbeatInterval(Duration interval) {
        return new SockJsOptions(websocketEnabled, cookieNeeded, interval, disconnectDelay, responseLimit,
                clientScriptUrl, maxMessageBytes, clientMessageLimit);
    }

    public SockJsOptions withDisconnectDelay(Duration delay) {
        return new SockJsOptions(websocketEnabled, cookieNeeded, heartbeatInterval, delay, responseLimit,
                clientScriptUrl, maxMessageBytes, clientMessageLimit);
    }

    public SockJsOptions withClientScriptUrl(String url) {
        return new SockJsOptions(websocketEnabled, cookieNeeded, heartbeatInterval, disconnectDelay, responseLimit,
                url, maxMessageBytes, clientMessageLimit);
    }

    public SockJsOptions withMaxMessageBytes(int bytes) {
        return new SockJsOptions(websocketEnabled, cookieNeeded, heartbeatInterval, disconnectDelay, responseLimit,
                clientScriptUrl, bytes, clientMessageLimit);
    }

    public SockJsOptions withClientMessageLimit(ClientMessageLimit limit) {
        return new SockJsOptions(websocketEnabled, cookieNeeded, heartbeatInterval, disconnectDelay, responseLimit,
                clientScriptUrl, maxMessageBytes, limit);
    }
}

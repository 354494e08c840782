package io.wildcloud.ws.it.protocol;

import java.time.Duration;
import java.util.List;

/**
 * Where the protocol checks send their requests: a server (one node, or a balancer in front of
 * several) that mounts the four SockJS protocol-test services under {@link #topUrl()}.
 */
public interface SockJsTarget {

    /** Scheme, host and port, no trailing slash, e.g. {@code http://127.0.0.1:40123}. */
    String topUrl();

    /** How long any one read may wait for the server (the official suite allows 1 s). */
    default Duration readTimeout() {
        return Duration.ofSeconds(1);
    }

    /** Echoes every message; streaming responses end after 4096 bytes of frames. */
    default String echo() {
        return topUrl() + "/echo";
    }

    /** Closes every new session with 3000 "Go away!". */
    default String close() {
        return topUrl() + "/close";
    }

    /** Echo with the websocket transports switched off. */
    default String websocketOff() {
        return topUrl() + "/disabled_websocket_echo";
    }

    /** Echo with JSESSIONID cookies. */
    default String cookieNeeded() {
        return topUrl() + "/cookie_needed_echo";
    }

    /**
     * The API URLs of the target's nodes (whose {@code /metrics} show when a node has taken a held
     * poll); empty where they are out of reach, and then checks that need them fail saying so.
     */
    default List<String> apiUrls() {
        return List.of();
    }

    static SockJsTarget of(String topUrl, String apiUrl) {
        return new SockJsTarget() {
            @Override
            public String topUrl() {
                return topUrl;
            }

            @Override
            public List<String> apiUrls() {
                return List.of(apiUrl);
            }
        };
    }
}

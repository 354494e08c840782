package io.wildcloud.ws.sockjs;

import java.util.Objects;

/**
 * What a peer of the SockJS endpoints may do, for all endpoints of a node: which browser origins
 * they serve, how many websocket control frames (ping, pong, close) a connection may send, and how
 * many requests naming an endpoint that does not exist a client address may have the store asked
 * about ({@link UnknownEndpointLimit}).
 *
 * @param maxControlFramesPerSecond the sustained rate of control frames a websocket may send; it
 *     may also send this many at once (the burst). Beyond that it is closed with 1008 (policy
 *     violation): a ping flood would otherwise make the node write one pong per ping
 * @param allowedOrigins browser origins that may use the endpoints; others get 403
 * @param maxUnknownPerSecond requests a client address may have answered 404 a second, sustained,
 *     after asking the store; past them its requests for endpoints not found live lately are
 *     answered 404 at once; 0 turns the budget off
 * @param unknownBurst how many of those it may have at once; at least {@code maxUnknownPerSecond}
 */
public record PeerPolicy(int maxControlFramesPerSecond, AllowedOrigins allowedOrigins, int maxUnknownPerSecond,
        int unknownBurst) {

    public static final int DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND = 50;
    /** Off: see {@link UnknownEndpointLimit} for why a node turns it on only when told to. */
    public static final int DEFAULT_MAX_UNKNOWN_PER_SECOND = 0;
    public static final int DEFAULT_UNKNOWN_BURST = 100;

    public PeerPolicy {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        if (maxControlFramesPerSecond < 1) {
            throw new IllegalArgumentException("maxControlFramesPerSecond must be at least 1: " + maxControlFramesPerSecond);
        }
        if (maxUnknownPerSecond < 0 || unknownBurst < maxUnknownPerSecond) {
            throw new IllegalArgumentException("maxUnknownPerSecond must be at least 0 (off) and unknownBurst at least it: "
                    + maxUnknownPerSecond + ", " + unknownBurst);
        }
    }

    /** With the default budget of unknown endpoints. */
    public PeerPolicy(int maxControlFramesPerSecond, AllowedOrigins allowedOrigins) {
        this(maxControlFramesPerSecond, allowedOrigins, DEFAULT_MAX_UNKNOWN_PER_SECOND, DEFAULT_UNKNOWN_BURST);
    }

    /** 50 control frames a second, any origin, no budget of unknown endpoints. */
    public static PeerPolicy defaults() {
        return new PeerPolicy(DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND, AllowedOrigins.any());
    }
}

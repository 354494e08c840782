package io.wildcloud.ws.loadgen;

import java.util.Locale;

/**
 * The kind of server a load run drives, with the wire facts that differ: how a subscriber is
 * addressed and how a message is published. Everything else (delivery tracking, latency, the
 * publisher's connections, one request in flight each) is the same, so a run against Nchan is
 * measured exactly as one against our node.
 */
public enum Target {

    /** Our node: authorize a socket, a SockJS session on it, {@code POST /publish/<socket_id>} with JSON. */
    SOCKJS("/publish/", "application/json", "{\"message\":\"", "\"}"),

    /**
     * Nchan (issue 17's reference): no authorize, a channel per subscriber, a plain websocket to
     * {@code /sub/<channel>} whose every text frame is one message, {@code POST /pub/<channel>} with the
     * message as the whole body. The nginx configuration {@code NchanConfig} writes serves these paths.
     */
    NCHAN("/pub/", "text/plain", "", "");

    /** Where a subscriber to {@code <channel>} connects on Nchan (its websocket endpoint). */
    public static final String NCHAN_SUBSCRIBE_PATH = "/sub/";

    private final String publishPath;
    private final String contentType;
    private final String bodyStart;
    private final String bodyEnd;

    Target(String publishPath, String contentType, String bodyStart, String bodyEnd) {
        this.publishPath = publishPath;
        this.contentType = contentType;
        this.bodyStart = bodyStart;
        this.bodyEnd = bodyEnd;
    }

    public static Target parse(String name) {
        for (Target target : values()) {
            if (target.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return target;
            }
        }
        throw new IllegalArgumentException("--target takes sockjs or nchan, not '" + name + "'");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The path a single publish goes to, before the socket id or channel. */
    public String publishPath() {
        return publishPath;
    }

    String contentType() {
        return contentType;
    }

    /** What the body holds before the message (the message itself needs no escaping: digits, colons, x's). */
    String bodyStart() {
        return bodyStart;
    }

    String bodyEnd() {
        return bodyEnd;
    }
}

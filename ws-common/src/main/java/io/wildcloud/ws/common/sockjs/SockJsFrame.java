package io.wildcloud.ws.common.sockjs;

import java.util.List;
import java.util.Objects;

/**
 * One SockJS frame: {@code o} (open), {@code h} (heartbeat), {@code a[...]} (messages) or
 * {@code c[code,"reason"]} (close). A value: its text is computed once and each transport wraps it
 * in its own format (a newline for xhr, {@code data: ...} for eventsource, a script tag for
 * htmlfile).
 */
public final class SockJsFrame {

    /** What a frame is. */
    public enum Kind { OPEN, HEARTBEAT, MESSAGES, CLOSE }

    private static final SockJsFrame OPEN = new SockJsFrame(Kind.OPEN, "o", 0, null);
    private static final SockJsFrame HEARTBEAT = new SockJsFrame(Kind.HEARTBEAT, "h", 0, null);

    private final Kind kind;
    private final String text;
    private final int closeCode;
    private final String closeReason;

    private SockJsFrame(Kind kind, String text, int closeCode, String closeReason) {
        this.kind = kind;
        this.text = text;
        this.closeCode = closeCode;
        this.closeReason = closeReason;
    }

    public static SockJsFrame open() {
        return OPEN;
    }

    public static SockJsFrame heartbeat() {
        return HEARTBEAT;
    }

    /** An {@code a[...]} frame carrying {@code messages} in order; there must be at least one. */
    public static SockJsFrame messages(List<String> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a message frame carries at least one message");
        }
        StringBuilder text = new StringBuilder(2 + 16 * messages.size());
        text.append('a');
        SockJsJson.appendArray(text, messages);
        return new SockJsFrame(Kind.MESSAGES, text.toString(), 0, null);
    }

    public static SockJsFrame message(String message) {
        return messages(List.of(message));
    }

    /** A {@code c[code,"reason"]} frame. */
    public static SockJsFrame close(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        String text = "c[" + code + "," + SockJsJson.quote(reason) + "]";
        return new SockJsFrame(Kind.CLOSE, text, code, reason);
    }

    /**
     * Reads a frame as a client receives it (used by tests and the load generator).
     *
     * @throws IllegalArgumentException if {@code text} is not a SockJS frame
     */
    public static SockJsFrame parse(String text) {
        if (text.equals("o")) {
            return OPEN;
        }
        if (text.equals("h")) {
            return HEARTBEAT;
        }
        if (text.startsWith("a[")) {
            return new SockJsFrame(Kind.MESSAGES, text, 0, null);
        }
        if (text.startsWith("c[") && text.endsWith("]")) {
            int comma = text.indexOf(',');
            if (comma > 2) {
                int code = Integer.parseInt(text.substring(2, comma));
                List<String> reason = SockJsJson.decodeMessages(text.substring(comma + 1, text.length() - 1));
                return new SockJsFrame(Kind.CLOSE, text, code, reason.get(0));
            }
        }
        throw new IllegalArgumentException("not a SockJS frame: " + text);
    }

    public Kind kind() {
        return kind;
    }

    /** The frame's text as it goes on the wire, before a transport's own wrapping. */
    public String text() {
        return text;
    }

    /** The messages of an {@code a[...]} frame. */
    public List<String> messages() {
        if (kind != Kind.MESSAGES) {
            throw new IllegalStateException(kind + " frame has no messages");
        }
        return SockJsJson.decodeMessages(text.substring(1));
    }

    /** The code of a close frame. */
    public int closeCode() {
        return closeCode;
    }

    /** The reason of a close frame. */
    public String closeReason() {
        return closeReason;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SockJsFrame frame && frame.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}

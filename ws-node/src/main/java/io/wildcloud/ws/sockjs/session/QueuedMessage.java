package io.wildcloud.ws.sockjs.session;

import java.util.Objects;

/**
 * One outgoing message in a session's queue. {@code seq} starts at 1 and grows by one per message
 * of the session, so a receiver can tell a gap (fetch what is missing) from a repeat (drop it).
 *
 * <p>A value, equal by seq and text alone. A store may extend it to keep what it knows of the
 * message in the same object (the memory engine keeps its UTF-8 size there: no second object per
 * queued message); a record could not be extended.
 */
public class QueuedMessage {

    private final long seq;
    private final String message;

    public QueuedMessage(long seq, String message) {
        this.seq = seq;
        this.message = message;
    }

    public final long seq() {
        return seq;
    }

    public final String message() {
        return message;
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof QueuedMessage that && seq == that.seq && Objects.equals(message, that.message);
    }

    @Override
    public final int hashCode() {
        return 31 * Long.hashCode(seq) + Objects.hashCode(message);
    }

    @Override
    public String toString() {
        return "QueuedMessage[seq=" + seq + ", message=" + message + "]";
    }
}

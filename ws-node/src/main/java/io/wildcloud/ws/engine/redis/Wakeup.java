package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the wake-ups that the scripts publish on the channel of the node holding a session
 * (wakeup.lua; lengths in bytes, numbers in ASCII):
 * <ul>
 *   <li>{@code m<len(scope)>:<scope><len(sid)>:<sid><firstSeq>:<count>:{<len(msg)>:<msg>}*}
 *       messages were queued;</li>
 *   <li>{@code c<len(scope)>:<scope><len(sid)>:<sid><lastSeq>:<closeFrame>} the session closed
 *       after {@code lastSeq}.</li>
 * </ul>
 * One payload holds one or more message wake-ups one after the other, then at most one close
 * wake-up (its frame runs to the payload's end): a publish run wakes a node once ({@link #end}).
 * The session is read first, so a node skips the rest of wake-ups for sessions it no longer holds.
 */
final class Wakeup {

    private final byte[] payload;
    private final int start;
    private final SessionKey session;
    private final int afterSessionId;

    private Wakeup(byte[] payload, int start, SessionKey session, int afterSessionId) {
        this.payload = payload;
        this.start = start;
        this.session = session;
        this.afterSessionId = afterSessionId;
    }

    /** Reads the kind and session of {@code payload}'s first wake-up. */
    static Wakeup read(byte[] payload) {
        return read(payload, 0);
    }

    /** Reads the kind and session of the wake-up at {@code start} of {@code payload}. */
    static Wakeup read(byte[] payload, int start) {
        if (payload.length - start < 6 || (payload[start] != 'm' && payload[start] != 'c')) {
            throw new IllegalArgumentException("not a wake-up: " + (payload.length - start)
                    + " bytes starting with " + (payload.length == start ? "nothing"
                    : Integer.toString(payload[start] & 0xff)));
        }
        int[] pos = {start + 1};
        String scope = text(payload, pos);
        String sessionId = text(payload, pos);
        return new Wakeup(payload, start, new SessionKey(scope, sessionId), pos[0]);
    }

    /**
     * Where the next wake-up of the payload starts: after this message wake-up's last message;
     * the payload's length for a close wake-up.
     */
    int end() {
        if (isClose()) {
            return payload.length;
        }
        int[] pos = {afterSessionId};
        number(payload, pos, ':');
        long count = number(payload, pos, ':');
        for (long i = 0; i < count; i++) {
            int length = (int) number(payload, pos, ':');
            if (length > payload.length - pos[0]) {
                throw new IllegalArgumentException("truncated wake-up");
            }
            pos[0] += length;
        }
        return pos[0];
    }

    SessionKey session() {
        return session;
    }

    boolean isClose() {
        return payload[start] == 'c';
    }

    /** For a message wake-up: the seq of its first message. */
    long firstSeq() {
        return number(payload, new int[] {afterSessionId}, ':');
    }

    /** For a message wake-up: its messages, in order. */
    List<String> messages() {
        int[] pos = {afterSessionId};
        number(payload, pos, ':');
        int count = (int) number(payload, pos, ':');
        List<String> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = (int) number(payload, pos, ':');
            if (length > payload.length - pos[0]) {
                throw new IllegalArgumentException("truncated wake-up");
            }
            messages.add(new String(payload, pos[0], length, StandardCharsets.UTF_8));
            pos[0] += length;
        }
        return messages;
    }

    /** The highest seq this wake-up names: the last message, or the last before the close. */
    long lastSeq() {
        int[] pos = {afterSessionId};
        long first = number(payload, pos, ':');
        if (isClose()) {
            return first;
        }
        return first + number(payload, pos, ':') - 1;
    }

    /** For a close wake-up: the close frame's text. */
    String closeFrame() {
        int[] pos = {afterSessionId};
        number(payload, pos, ':');
        return new String(payload, pos[0], payload.length - pos[0], StandardCharsets.UTF_8);
    }

    /** Reads {@code <len>:<text>} at {@code pos[0]} and moves past it. */
    private static String text(byte[] bytes, int[] pos) {
        int length = (int) number(bytes, pos, ':');
        if (length > bytes.length - pos[0]) {
            throw new IllegalArgumentException("truncated wake-up");
        }
        String text = new String(bytes, pos[0], length, StandardCharsets.UTF_8);
        pos[0] += length;
        return text;
    }

    /** Reads ASCII digits at {@code pos[0]} up to {@code end}, and moves past {@code end}. */
    private static long number(byte[] bytes, int[] pos, char end) {
        long value = 0;
        int i = pos[0];
        for (; i < bytes.length && bytes[i] != end; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IllegalArgumentException("bad number in wake-up at byte " + i);
            }
            value = value * 10 + digit;
        }
        if (i == bytes.length) {
            throw new IllegalArgumentException("truncated wake-up");
        }
        pos[0] = i + 1;
        return value;
    }
}

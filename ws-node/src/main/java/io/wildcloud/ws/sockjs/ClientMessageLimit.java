package io.wildcloud.ws.sockjs;

import io.wildcloud.ws.common.sockjs.CloseCodes;

/**
 * How much one session's client may send: a token bucket of {@code burst} messages and
 * {@code byteBurst} bytes that refills at {@code perSecond} and {@code bytesPerSecond}. One frame (a
 * websocket message, an {@code xhr_send} or {@code jsonp_send}) is a JSON array of messages, each of
 * which becomes one signed callback to the application; a frame the bucket cannot take whole, in
 * either dimension, is refused whole and its session closed with
 * {@link CloseCodes#MESSAGE_RATE_EXCEEDED}. So a client can turn one 64 KiB frame neither into
 * 32,768 callbacks nor, sending 100 such frames a second, into 6.4 MB/s of callbacks.
 *
 * <p>A frame's bytes are its JSON text in UTF-8 as the client sent it, the count
 * {@code max-message-bytes} bounds: each message reaches its callback escaped as it was in the
 * frame (within a factor of 2: U+2028 and U+2029 go out escaped), and the callback's envelope is
 * bounded per message by the message dimension.
 *
 * @param perSecond messages a session may send a second, sustained
 * @param burst messages a session may send at once (and so the most one frame may hold); at least
 *     {@code perSecond}
 * @param bytesPerSecond bytes of frames a session may send a second, sustained
 * @param byteBurst bytes of frames a session may send at once; at least {@code bytesPerSecond}, and
 *     (checked where the largest frame is known) at least one largest frame
 */
public record ClientMessageLimit(int perSecond, int burst, int bytesPerSecond, int byteBurst) {

    /** Ten times Pusher's client events: a chat's or game's sends pass, a flood does not. */
    public static final int DEFAULT_PER_SECOND = 100;
    /**
     * Five seconds' worth: sockjs-client sends everything buffered while a send is in flight as one
     * array, so a quick run of sends arrives as one frame.
     */
    public static final int DEFAULT_BURST = 500;
    /**
     * One largest frame a second, about Pusher's 10 client events of 10 KB: typing indicators,
     * chat and an editor's operations (a few KB/s at most) pass, and a flood's callbacks shrink a
     * hundredfold (README, "Client messages").
     */
    public static final int DEFAULT_BYTES_PER_SECOND = 64 * 1024;
    /** How many largest frames the default byte burst holds: a paste of a few hundred KB, chunked. */
    public static final int DEFAULT_BYTE_BURST_FRAMES = 4;

    public ClientMessageLimit {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1: " + perSecond);
        }
        if (burst < perSecond) {
            throw new IllegalArgumentException("burst must be at least perSecond (" + perSecond + "): " + burst);
        }
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("bytesPerSecond must be at least 1: " + bytesPerSecond);
        }
        if (byteBurst < bytesPerSecond) {
            throw new IllegalArgumentException(
                    "byteBurst must be at least bytesPerSecond (" + bytesPerSecond + "): " + byteBurst);
        }
    }

    /** The defaults for frames of at most {@code maxMessageBytes}. */
    public static ClientMessageLimit defaults(int maxMessageBytes) {
        return new ClientMessageLimit(DEFAULT_PER_SECOND, DEFAULT_BURST, DEFAULT_BYTES_PER_SECOND,
                defaultByteBurst(maxMessageBytes));
    }

    /** {@link #DEFAULT_BYTE_BURST_FRAMES} largest frames, and never under the rate. */
    public static int defaultByteBurst(int maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE,
                Math.max(DEFAULT_BYTES_PER_SECOND, (long) DEFAULT_BYTE_BURST_FRAMES * maxMessageBytes));
    }

    /** Which dimension of the limit a refused frame was over. */
    public enum Exceeded {
        MESSAGES("messages", "too_many_messages"),
        BYTES("bytes", "too_many_bytes");

        private final String tag;
        private final String errorCode;

        Exceeded(String tag, String errorCode) {
            this.tag = tag;
            this.errorCode = errorCode;
        }

        /** The metric tag. */
        public String tag() {
            return tag;
        }

        /** The {@code error} of the 429 that answers a send over it. */
        public String errorCode() {
            return errorCode;
        }
    }

    /** The close reason: what the developer may send (short: a websocket close reason holds 123 bytes). */
    public String closeReason(Exceeded exceeded) {
        return exceeded == Exceeded.BYTES
                ? CloseCodes.MESSAGE_BYTES_EXCEEDED_REASON + ": at most " + bytesPerSecond + " a second, "
                        + byteBurst + " at once"
                : CloseCodes.MESSAGE_RATE_EXCEEDED_REASON + ": at most " + perSecond + " a second, " + burst
                        + " at once";
    }
}

package io.wildcloud.ws.sockjs;

import io.wildcloud.ws.common.sockjs.CloseCodes;

/**
 * How many messages one session's client may send: a token bucket of {@code burst} messages that
 * refills at {@code perSecond}. One frame (a websocket message, an {@code xhr_send} or
 * {@code jsonp_send}) is a JSON array of messages, each of which becomes one callback to the
 * application; a frame the bucket cannot take whole is refused whole and its session closed with
 * {@link CloseCodes#MESSAGE_RATE_EXCEEDED}, so a client cannot turn one 64 KiB frame into 32,768
 * callbacks.
 *
 * @param perSecond messages a session may send a second, sustained
 * @param burst messages a session may send at once (and so the largest frame taken); at least
 *     {@code perSecond}
 */
public record ClientMessageLimit(int perSecond, int burst) {

    /** Ten times Pusher's client events: a chat's or game's sends pass, a flood does not. */
    public static final int DEFAULT_PER_SECOND = 100;
    /**
     * Five seconds' worth: sockjs-client sends everything buffered while a send is in flight as one
     * array, so a quick run of sends arrives as one frame.
     */
    public static final int DEFAULT_BURST = 500;

    public ClientMessageLimit {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1: " + perSecond);
        }
        if (burst < perSecond) {
            throw new IllegalArgumentException("burst must be at least perSecond (" + perSecond + "): " + burst);
        }
    }

    public static ClientMessageLimit defaults() {
        return new ClientMessageLimit(DEFAULT_PER_SECOND, DEFAULT_BURST);
    }

    /** The close reason: what the developer may send (short: a websocket close reason holds 123 bytes). */
    public String closeReason() {
        return CloseCodes.MESSAGE_RATE_EXCEEDED_REASON + ": at most " + perSecond + " a second, " + burst + " at once";
    }
}

package io.wildcloud.ws.sockjs.session;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import java.util.List;

/**
 * What a {@link SessionStore#claim} found and did.
 *
 * @param outcome what the transport writes first
 * @param pending messages queued for the session that this receiver now delivers, in order; they
 *     stay queued until the receiver acknowledges or releases what it wrote, whatever the mode
 * @param closeFrame the session's close frame when {@code outcome} is {@link Outcome#CLOSED}, or
 *     when it is {@link Outcome#ATTACHED} and the session closed with these messages still pending
 *     (a stream writes them, then the close frame; a poll answers one frame, the messages, and its
 *     next poll gets {@link Outcome#CLOSED})
 */
public record Claim(Outcome outcome, List<QueuedMessage> pending, SockJsFrame closeFrame) {

    /** What a claim found. */
    public enum Outcome {
        /** No such session and the claim created it: write the open frame. The slot is held. */
        OPENED,
        /** The session exists and the slot is now this receiver's: deliver {@code pending}. */
        ATTACHED,
        /** The session is closed: write {@code closeFrame}, nothing is held. */
        CLOSED,
        /** Another live receiver holds the slot: write the 2010 close frame, nothing is held. */
        BUSY,
        /** No such session and the claim was told not to create one. */
        NOT_FOUND
    }

    public static Claim opened() {
        return new Claim(Outcome.OPENED, List.of(), null);
    }

    public static Claim attached(List<QueuedMessage> pending, SockJsFrame closeFrame) {
        return new Claim(Outcome.ATTACHED, List.copyOf(pending), closeFrame);
    }

    public static Claim closed(SockJsFrame closeFrame) {
        return new Claim(Outcome.CLOSED, List.of(), closeFrame);
    }

    public static Claim busy() {
        return new Claim(Outcome.BUSY, List.of(), null);
    }

    public static Claim notFound() {
        return new Claim(Outcome.NOT_FOUND, List.of(), null);
    }

    /**
     * Whether the receiver holds the slot after this claim: whenever it opened or attached, in
     * either mode (a poll that found messages holds it until it has answered and released).
     */
    public boolean holdsSlot(ClaimMode mode) {
        return outcome == Outcome.OPENED || outcome == Outcome.ATTACHED;
    }
}

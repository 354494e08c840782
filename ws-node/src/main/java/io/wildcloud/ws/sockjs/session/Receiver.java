package io.wildcloud.ws.sockjs.session;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import java.util.List;

/**
 * The node-local side of a claimed receiver slot: what a store calls when something is for the
 * connection that holds the slot. Implemented by the transports.
 *
 * <p>A store may call these from any thread, never two at once for one receiver, and in the order
 * the events happened. Implementations hop to their channel's event loop.
 */
public interface Receiver {

    /** The connection's cluster-wide name, recorded in the store as the slot holder. */
    ReceiverId id();

    /**
     * When the client asked for the session ({@link System#nanoTime()}): the arrival of the request
     * this receiver serves. A claim ends a session past its disconnect deadline only if it was past
     * then, since the request may have waited out a store stall before its claim ran. A monotonic
     * instant, not this host's wall clock: the store maps it onto the clock its deadlines are on
     * (a host's clock may be a minute off the store's). By default, now: the claim's own time.
     */
    default long askedAtNanos() {
        return System.nanoTime();
    }

    /**
     * New messages for the session, in order, with no gap and no repeat since the claim's pending
     * messages or the previous call. A store that learns of messages with a gap fetches what is
     * missing before it calls this.
     */
    void onMessages(List<QueuedMessage> messages);

    /**
     * The session was closed (by the service, a revocation or an expiry) while this receiver held
     * it; every message queued before the close has been passed to {@link #onMessages} first. The
     * receiver writes {@code closeFrame} and ends.
     */
    void onClosed(SockJsFrame closeFrame);

    /**
     * The slot was taken from this receiver: the store judged this node dead (it lost its
     * connection to the store) and let another connection claim it. The receiver must end at once
     * without writing anything more for the session, and must not release or acknowledge.
     */
    void onEvicted();
}

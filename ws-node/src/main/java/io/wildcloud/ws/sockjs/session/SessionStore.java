package io.wildcloud.ws.sockjs.session;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where SockJS sessions live: their state, their one receiver slot and their queue of outgoing
 * messages. The transports keep nothing of a session in the node beyond the connection they hold,
 * so that with a shared store any request of a session may land on any node.
 *
 * <h2>The contract</h2>
 * <ul>
 *   <li><b>One receiver.</b> At most one connection holds a session's receiver slot. A claim while
 *       a live receiver holds it answers {@link Claim.Outcome#BUSY}. A holder on a node that the
 *       store knows to be dead (its process ended or it lost the store) does not count as live:
 *       its slot is taken over and the old holder, if it ever learns, gets
 *       {@link Receiver#onEvicted}.</li>
 *   <li><b>Order, no loss, no repeat.</b> Messages of one session reach its receivers in the order
 *       they were queued, each once, across any number of receivers on any nodes, as long as
 *       every receiver acknowledges or releases exactly what it wrote.</li>
 *   <li><b>Bounded.</b> A queue holds at most the store's configured number of messages and of
 *       bytes (their UTF-8); a batch that would overflow either is refused whole
 *       ({@link EnqueueResult#QUEUE_FULL}). Acknowledged messages no longer count.</li>
 *   <li><b>Close.</b> A closed session keeps its close frame until it expires, so every later
 *       claim answers {@link Claim.Outcome#CLOSED} with it. Messages queued before the close are
 *       still delivered first.</li>
 *   <li><b>Expiry.</b> A session that no receiver holds for its disconnect delay ends: it is
 *       removed and, if it was open, the {@link SessionExpiryListener} hears of it once, on some
 *       node. A session whose receiver slot is held never expires. The delay counts against the
 *       client: a claim whose request arrived before the deadline ({@link Receiver#askedAtMillis})
 *       still finds the session if it reaches the store within the store's bounded grace after
 *       the deadline (the Redis engine's claim grace, 3 s), however the request was delayed inside
 *       the node.</li>
 *   <li><b>Async.</b> Every method returns at once; no method blocks the caller's thread. A stage
 *       fails with {@link StoreUnavailableException} when the store cannot be reached.</li>
 * </ul>
 */
public interface SessionStore {

    /**
     * Default bound of a queue's bytes ({@link #maxQueueBytes}), 4 MiB: what one connection may
     * leave unread before it is cut off (the node's default {@code max-write-backlog}), so a
     * session's queue holds no more than its connection would; 64 messages of the largest size.
     */
    int DEFAULT_MAX_QUEUE_BYTES = 4 << 20;

    /**
     * Claims the receiver slot of a session for {@code receiver}, creating the session if it does
     * not exist (unless {@code creation} says otherwise).
     *
     * <p>When the outcome holds the slot (see {@link Claim#holdsSlot}), the store calls
     * {@code receiver} for every message queued after the claim and for a close, until the
     * receiver {@link #release releases} the slot or is evicted.
     */
    CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver);

    /**
     * Removes the messages up to and including {@code deliveredSeq} from the queue: the receiver
     * (which holds the slot) has written them. Streams call this in batches, not per message.
     */
    CompletionStage<Void> acknowledge(SessionKey key, ReceiverId receiver, long deliveredSeq);

    /**
     * Gives up the slot, acknowledging up to {@code deliveredSeq} (0 for nothing) in the same
     * atomic step, and starts the session's disconnect-delay clock. A receiver that no longer holds
     * the slot changes nothing. A transport releases before it ends a response that carries no
     * messages, so that the client's next request finds the slot free; one that carries messages
     * (a poll's) is released after it is written, acknowledging them only if the write went out.
     *
     * <p>A release whose outcome the store cannot learn (no answer within its stall bound) fails,
     * but the store does not forget it: it goes on counting the receiver as the holder on this node
     * and makes the release once it can, acknowledging the same {@code deliveredSeq}, so that the
     * next request of the session, on any node, finds the slot free, and the session, once idle,
     * ends with an expiry notice. The memory engine's release cannot go unanswered.
     */
    CompletionStage<Void> release(SessionKey key, ReceiverId receiver, long deliveredSeq, Duration disconnectDelay);

    /** Appends messages to the session's queue and wakes its receiver, wherever it is. */
    CompletionStage<EnqueueResult> enqueue(SessionKey key, List<String> messages);

    /**
     * Closes an open session with {@code closeFrame}: its receiver gets what was queued before, then
     * the frame. Completes with {@code false} if the session was not open (missing or closed).
     */
    CompletionStage<Boolean> close(SessionKey key, SockJsFrame closeFrame);

    /** Removes a session at once, closed or not, with no expiry notice (a websocket that ended). */
    CompletionStage<Void> delete(SessionKey key);

    /**
     * Ends the session of a connection that is gone (a websocket whose client left): closes it with
     * {@code closeFrame} if it is open and removes it, as {@link #close} then {@link #delete} do;
     * completes with whether it was open. Nobody hears of the session any more, so a store may
     * defer and batch ends (the Redis engine does, so that a mass disconnect does not crowd out
     * the calls of the sessions still connected).
     *
     * <p>The end is certain (its connection is gone), and the caller tells the application of it on
     * {@code true}: an end whose outcome the store cannot learn (no answer within its stall bound)
     * is not given up but made once the store answers, and a repeat of one that ran unanswered
     * answers as it did, so that the application hears of the end once, not never and not twice.
     */
    default CompletionStage<Boolean> end(SessionKey key, SockJsFrame closeFrame) {
        return close(key, closeFrame).handle((closed, error) -> error == null && closed)
                .thenCompose(closed -> delete(key).thenApply(deleted -> closed));
    }

    /** Whether the session exists and is open; what an incoming message needs to know. */
    CompletionStage<SessionStatus> status(SessionKey key);

    /** How many messages a session's queue holds at most (see <b>Bounded</b> above). */
    int maxQueueLength();

    /** How many bytes (UTF-8) of messages a session's queue holds at most (see <b>Bounded</b> above). */
    int maxQueueBytes();

    /** Sets who hears of sessions that expired while open. Call once, before the node serves. */
    void setExpiryListener(SessionExpiryListener listener);

    /** How a claim treats a session that already exists. */
    enum Creation {
        /** Create the session if missing, otherwise claim it: polling and streaming transports. */
        CREATE_IF_MISSING,
        /**
         * Only create: if the session exists in any state, answer {@link Claim.Outcome#BUSY} and
         * change nothing (a websocket with a session id already in use picks another).
         */
        CREATE_ONLY,
        /**
         * As {@link #CREATE_ONLY}, and only while the store knows the session's scope as live: if it
         * does not, answer {@link Claim.Outcome#NOT_FOUND} and write nothing. The check and the
         * creation are one step, so that a websocket upgrade needs no look-up of its endpoint
         * before it (one store trip before the open frame). What makes a scope live is the
         * store's: an engine's scope lives while its socket does ({@code SocketStore}); a store
         * that knows no scopes holds every scope live.
         */
        CREATE_ONLY_IN_LIVE_SCOPE,
        /**
         * Only claim an existing session: if it is missing, answer {@link Claim.Outcome#NOT_FOUND}
         * and create nothing (a transport that must not start a session, e.g. one reconnecting
         * while the node drains).
         */
        EXISTING_ONLY
    }
}

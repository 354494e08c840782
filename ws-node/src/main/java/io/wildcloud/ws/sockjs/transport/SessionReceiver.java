package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.edge.LoopHandoffs;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one state machine of a receiving connection, whatever its transport (poll, stream,
 * websocket): it claims the session's receiver slot in the store, has the service admit a new
 * session before its open frame goes out, queues store events that come before the connection is
 * active, drops repeats by seq, acknowledges what was written, hands the session on when the node
 * drains, stops at once when the store evicts it, and lets the slot go when it ends.
 *
 * <pre>
 * CLAIMING --OPENED--> OPENING --admitted, open written--> ACTIVE --letting go--> ENDING --> DONE
 * CLAIMING --ATTACHED-----------------------------------> ACTIVE
 * CLAIMING --CLOSED, BUSY, NOT_FOUND, store failure--> DONE           (refused)
 * OPENING  --refused--> DONE                          (closed in the store before the client hears)
 * ACTIVE, or OPENING with its open on the way --client gone--> DONE   (closed as interrupted)
 * any      --evicted--> DONE                          (nothing more written, released or acknowledged)
 * </pre>
 *
 * <p>A transport supplies its framing and how it writes and ends ({@link ReceiverTransport}).
 * Threading: every state change happens on the channel's event loop; store callbacks hop there.
 *
 * <p>Size (about 380 lines, over the ~300 of ws-node's rule) on purpose: this is the state machine
 * and nothing else, and every transition with the state it checks is here, so that one reading
 * shows all of them. What is not a transition lives apart already: a transport's lifetime in the
 * store ({@link SessionLifetime}), what ties the connection to its node ({@link ReceiverTies}),
 * events that wait for ACTIVE ({@link EarlyEvents}), acknowledgements ({@link Acknowledger}).
 */
abstract class SessionReceiver implements Receiver, LiveConnections.Drainable, ReceiverTransport {

    private static final Logger log = LoggerFactory.getLogger(SessionReceiver.class);

    /** Where the connection is in its life (see the class comment). */
    enum State { CLAIMING, OPENING, ACTIVE, ENDING, DONE }

    final ChannelHandlerContext ctx;
    final SockJsRuntime runtime;
    final SockJsEndpoint endpoint;
    final SessionStore store;
    final SockJsMetrics metrics;
    final TransportType type;
    private final SessionLifetime lifetime;
    private final ReceiverId id;
    private final ReceiverTies ties;
    /** Volatile: the drain reads it from any thread; a websocket may rename its session once. */
    volatile SessionKey key;
    StoreBackedSession session;
    State state = State.CLAIMING;
    /** The seq of the last message written to the client. */
    long deliveredSeq;
    private final EarlyEvents early = new EarlyEvents();
    /**
     * Store events waiting for the loop (see {@link #whenActive}), under this object's lock; null
     * while none wait (an idle connection holds no list).
     */
    private List<Runnable> inbox;
    /** Retries made of a claim that found the slot busy (see {@link SessionLifetime#busyRetryDelaysMillis}). */
    private int busyRetries;
    /** Admitted, and the open is on its way to the wire (a websocket's 101 is asynchronous). */
    private boolean openInFlight;
    private boolean closedByStore;
    /** The node is going away: once active, hand the session on instead of holding it. */
    private boolean draining;

    SessionReceiver(ChannelHandlerContext ctx, SockJsRuntime runtime, SockJsEndpoint endpoint, SessionKey key,
            TransportType type, SessionLifetime lifetime) {
        this.ctx = ctx;
        this.lifetime = lifetime;
        this.runtime = runtime;
        this.endpoint = endpoint;
        this.key = key;
        this.type = type;
        this.store = runtime.store();
        this.metrics = runtime.metrics();
        this.session = runtime.session(endpoint, key);
        this.id = runtime.nextReceiverId();
        this.ties = new ReceiverTies(ctx, runtime, type, this, this::channelClosed);
    }

    /** Runs once the connection is active, after the store events that waited for it. */
    void activated() {
    }

    /**
     * The claim ended without creating a session (or the one it created was deleted at once, its
     * client gone): the service is told if it had {@linkplain SockJsService#beforeCreate set
     * something aside} for it. Called at most once, never for a session the service was asked to admit.
     */
    void notCreated() {
    }

    /**
     * The claim created the session, or may have (its answer was lost), but it will not open: what
     * the service set aside for it stays spent ({@link SockJsService#createdUnused}). At most once,
     * instead of {@link #notCreated}.
     */
    void createdUnused() {
    }

    /** Claims the session; everything else follows from the claim's answer. */
    final void start(ClaimMode mode) {
        ties.attach();
        claim(mode);
    }

    private void claim(ClaimMode mode) {
        store.claim(key, mode, lifetime.creation(endpoint), this)
                .whenComplete((claim, error) -> SockJsRuntime.onLoop(ctx, () -> claimed(claim, error, mode)));
    }

    private void claimed(Claim claim, Throwable error, ClaimMode mode) {
        if (error != null) {
            if (Causes.unwrap(error) instanceof StoreOutcomeUnknownException) {
                createdUnused(); // Redis may still run it, as a publish without an answer keeps its charge
            } else {
                notCreated();
            }
            done();
            log.warn("{} session {}: store failed on claim: {}", ctx.channel(), key, error.toString());
            storeFailed();
            return;
        }
        if (!ctx.channel().isActive()) {
            // An opened one is deleted (nobody heard of it), but the store did the work of a new session.
            if (claim.outcome() == Claim.Outcome.OPENED) {
                createdUnused();
            } else {
                notCreated();
            }
            clientGoneBeforeClaim(claim, mode);
            return;
        }
        if (claim.outcome() == Claim.Outcome.BUSY && busyRetries < lifetime.busyRetryDelaysMillis().length) {
            retryBusy(mode);
            return;
        }
        if (claim.outcome() != Claim.Outcome.OPENED) {
            notCreated();
        }
        switch (claim.outcome()) {
            case OPENED -> {
                runtime.unknownEndpoints().live(key.scope());
                state = State.OPENING;
                metrics.sessionOpened(type);
                ties.count();
                session.admit().thenAccept(admission -> SockJsRuntime.onLoop(ctx, () -> admitted(admission)));
                return;
            }
            case ATTACHED -> {
                runtime.unknownEndpoints().live(key.scope());
                state = State.ACTIVE;
                ties.count();
                List<QueuedMessage> pending = claim.pending();
                if (!pending.isEmpty()) {
                    metrics.messagesSent(pending.size());
                    deliveredSeq = Frames.lastSeq(pending);
                }
                attached(pending, claim.closeFrame());
                acknowledge(pending);
            }
            case CLOSED -> refuse(claim.closeFrame());
            case BUSY -> refuse(Frames.ANOTHER_CONNECTION);
            // Only an endpoint that accepts no new sessions claims EXISTING_ONLY: its unknown
            // sessions are as unknown as its prefix.
            case NOT_FOUND -> refuse(null);
        }
        runEarly();
    }

    private void retryBusy(ClaimMode mode) {
        long delay = lifetime.busyRetryDelaysMillis()[busyRetries++];
        SessionKey retryKey = lifetime.busyRetryKey(key);
        if (!retryKey.equals(key)) {
            key = retryKey;
            session = runtime.session(endpoint, key);
        }
        Runnable retry = () -> {
            if (ctx.channel().isActive()) {
                claim(mode);
            } else {
                notCreated();
                done();
            }
        };
        if (delay == 0) {
            retry.run();
        } else {
            ctx.executor().schedule(() -> SockJsRuntime.onLoop(ctx, retry), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void refuse(SockJsFrame frame) {
        done();
        refused(frame);
    }

    // The client left while the claim was on its way: undo what the claim did.
    private void clientGoneBeforeClaim(Claim claim, ClaimMode mode) {
        done();
        if (claim.outcome() == Claim.Outcome.OPENED) {
            store.delete(key); // nobody ever heard of this session
        } else if (claim.holdsSlot(mode)) {
            interrupt();
        }
    }

    /**
     * The service's answer to a new session (a refused one is closed in the store already). The
     * open frame waited for it: a client that publishes as soon as it reads {@code o} must find its
     * session reachable; a refused client gets the refusal where the open frame would have gone.
     */
    private void admitted(Admission admission) {
        if (state != State.OPENING) {
            return; // evicted meanwhile
        }
        if (!ctx.channel().isActive()) {
            if (admission.isAdmitted()) {
                abandon(); // the service knows the session: close it, as a connection lost later would
            } else {
                done();
                letGo(0);
            }
        } else if (!admission.isAdmitted()) {
            early.drop(); // the store's own notice of this close among them: the refusal says it
            openRefused(admission.refusal()); // never ACTIVE
        } else {
            // Still OPENING while the open is written: store events wait until it is out.
            openInFlight = true;
            opened();
        }
    }

    /** The open is on the wire: store events that waited run now. */
    final void activate() {
        openInFlight = false;
        if (state == State.OPENING) {
            state = State.ACTIVE;
        }
        runEarly();
    }

    // Runs what the store said while the claim (or the admission) was on its way.
    private void runEarly() {
        if (state != State.ACTIVE) {
            early.drop();
            return;
        }
        early.runWhile(this::isActive);
        if (state == State.ACTIVE) {
            activated();
        }
        if (draining && state == State.ACTIVE) {
            drained();
        }
    }

    @Override
    public ReceiverId id() {
        return id;
    }

    @Override
    public SessionKey sessionKey() {
        return key;
    }

    @Override
    public void onMessages(List<QueuedMessage> messages) {
        whenActive(() -> {
            List<QueuedMessage> fresh = Frames.after(deliveredSeq, messages);
            if (!fresh.isEmpty()) {
                // Counted before the write: a client that got them must find them counted.
                metrics.messagesSent(fresh.size());
                deliveredSeq = Frames.lastSeq(fresh);
                messages(fresh);
                acknowledge(fresh);
            }
        });
    }

    @Override
    public void onClosed(SockJsFrame closeFrame) {
        whenActive(() -> {
            closedByStore = true;
            closed(closeFrame);
        });
    }

    @Override
    public void onEvicted() {
        SockJsRuntime.later(ctx, () -> {
            if (state != State.DONE) {
                // The store gave the session up for this node (it lost it, or judged this node dead).
                log.info("{} session {}: receiver evicted by the store", ctx.channel(), key);
                boolean wasActive = state == State.ACTIVE;
                done();
                evicted(wasActive);
            }
        });
    }

    /**
     * Store callbacks come from any thread and may come before the claim's answer is handled. They
     * queue in this receiver's inbox, in the store's order, and one loop task runs all that are
     * there: a batch's hand-offs to many receivers are gathered into one task per loop
     * ({@link LoopHandoffs}), and the inbox keeps each receiver's order whichever thread's task
     * runs first. Queued even when on the loop already (no re-entry into the caller).
     */
    private void whenActive(Runnable task) {
        boolean first;
        synchronized (this) {
            first = inbox == null;
            if (first) {
                inbox = new ArrayList<>(2);
            }
            inbox.add(task);
        }
        if (first) {
            try {
                LoopHandoffs.execute(ctx.executor(), this::runInbox); // made per hand-off: nothing held while idle
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    inbox = null; // the loop stopped: later events are refused too, not piled up unscheduled
                }
                throw e;
            }
        }
    }

    private void runInbox() {
        List<Runnable> tasks;
        synchronized (this) {
            tasks = inbox;
            inbox = null; // an event after this queues the task again
        }
        for (Runnable task : tasks) {
            if (state == State.ACTIVE) {
                SockJsRuntime.runGuarded(ctx, task);
            } else if (state == State.CLAIMING || state == State.OPENING) {
                early.add(task);
            }
        }
    }

    /** {@code written} (the last of them is {@link #deliveredSeq}) went to the client. */
    private void acknowledge(List<QueuedMessage> written) {
        if (state == State.ACTIVE) {
            ties.delivered(deliveredSeq, Frames.chars(written));
        }
    }

    /**
     * The node is going away: an active connection hands its session on (see {@link #drained()});
     * one still claiming or opening does so as soon as it is active.
     */
    @Override
    public void drain() {
        SockJsRuntime.onLoop(ctx, () -> {
            if (draining) {
                return;
            }
            draining = true;
            if (state == State.ACTIVE) {
                drained();
            } else if (state == State.DONE) {
                ties.detach();
            }
        });
    }

    /** The connection closed: a session it was serving (or opening) cannot go on. */
    private void channelClosed() {
        if (state == State.ACTIVE || (state == State.OPENING && openInFlight)) {
            // A poll or stream cut while it served ends its session (SockJS: 1002): counted in
            // ws_sessions_closed_total{reason="interrupted"} (the soak's streams cut in a Redis stall
            // ended this way, BENCHMARKS.md "Soak under faults"), logged only at DEBUG, since any
            // client could otherwise write a line per connection it cuts.
            log.debug("{} session {}: client went away ({})", ctx.channel(), key, lifetime.goneReason().tag());
            abandon();
        }
    }

    private void abandon() {
        done();
        interrupt();
    }

    private void interrupt() {
        if (closedByStore) {
            letGo(deliveredSeq);
            return;
        }
        if (lifetime.endsWithConnection()) {
            // Closed and removed in one store call: nothing of the session outlives its connection.
            session.end(CloseCodes.CONNECTION_INTERRUPTED, CloseCodes.CONNECTION_INTERRUPTED_REASON, lifetime.goneReason());
            return;
        }
        // Close first so that the next request finds the 1002 frame, then let the slot go so that
        // the closed session can expire.
        session.close(CloseCodes.CONNECTION_INTERRUPTED, CloseCodes.CONNECTION_INTERRUPTED_REASON, lifetime.goneReason())
                .whenComplete((closed, error) -> letGo(deliveredSeq));
    }

    /**
     * Gives up the slot (acknowledging what was written), then runs {@code then} on the event loop:
     * the next request of the session, on whatever node, must find the slot free and the queue right.
     */
    final void releaseThen(Runnable then) {
        state = State.ENDING;
        ties.stopTimers();
        letGo(deliveredSeq).whenComplete((ignored, error) -> SockJsRuntime.onLoop(ctx, () -> {
            state = State.DONE;
            ties.detach();
            if (error != null) {
                log.warn("{} session {}: store failed on release: {}", ctx.channel(), key, error.toString());
                storeFailed();
            } else {
                then.run();
            }
        }));
    }

    /**
     * Writes an answer that carries messages, then gives up the slot, acknowledging them only if
     * the write went out (else up to {@code seqBefore}, what earlier answers carried): a node that
     * dies between the write and the release leaves them queued, and the next poll, a balancer's
     * resend of this one too, gets them (at least once). A release that fails after the write
     * (the store gave no answer within its stall bound) is only logged here: the client has its
     * answer, and the store keeps the release and makes it once it answers again (see
     * {@link SessionStore#release}), so that the next poll, on any node, goes on without a repeat.
     */
    final void answerThenRelease(long seqBefore, Supplier<ChannelFuture> write) {
        state = State.ENDING;
        ties.stopTimers();
        ChannelFuture answer;
        try {
            answer = write.get();
        } catch (RuntimeException e) { // an answer that could not be made: released as unwritten
            answer = ctx.newFailedFuture(e);
        }
        answer.addListener(written -> SockJsRuntime.onLoop(ctx, () -> {
            long upTo = written.isSuccess() ? deliveredSeq : seqBefore;
            letGo(upTo).whenComplete((ignored, error) -> SockJsRuntime.onLoop(ctx, () -> {
                state = State.DONE;
                ties.detach();
                if (error != null) {
                    log.warn("{} session {}: store failed on release after the answer: {}", ctx.channel(), key,
                            error.toString());
                }
            }));
        }));
    }

    /** Marks the connection finished, with nothing (more) to give back to the store. */
    final void done() {
        state = State.DONE;
        ties.stopTimers();
        ties.detach();
    }

    /** Gives up the slot (as the session's lifetime says), acknowledging messages up to {@code seq}. */
    final CompletionStage<Void> letGo(long seq) {
        return lifetime.letGo(store, key, id, seq, endpoint);
    }

    /** Has {@link #heartbeat()} called after the heartbeat interval, if still active then. */
    final void scheduleHeartbeat() {
        ties.heartbeatAfter(endpoint.options().heartbeatInterval(), () -> {
            if (state == State.ACTIVE) {
                heartbeat();
            }
        });
    }

    /** Acknowledges what is written, through {@code acknowledger}, while active. */
    final void acknowledgeWith(Acknowledger acknowledger) {
        ties.acknowledgeWith(acknowledger);
    }

    final boolean isActive() {
        return state == State.ACTIVE;
    }
}

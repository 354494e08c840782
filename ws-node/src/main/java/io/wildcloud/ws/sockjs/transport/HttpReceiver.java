package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.http.HttpResponses;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiving HTTP request (a poll or a stream) of a session: claims the session's receiver slot
 * in the store, writes what the claim found, then what the store hands it, until it ends.
 *
 * <p>Threading: every state change happens on the channel's event loop; store callbacks hop there.
 * The subclasses decide how frames become a response.
 */
abstract class HttpReceiver implements Receiver, LiveConnections.Drainable {

    private static final Logger log = LoggerFactory.getLogger(HttpReceiver.class);
    static final SockJsFrame INTERRUPTED =
            SockJsFrame.close(CloseCodes.CONNECTION_INTERRUPTED, CloseCodes.CONNECTION_INTERRUPTED_REASON);
    static final SockJsFrame ANOTHER_CONNECTION =
            SockJsFrame.close(CloseCodes.ANOTHER_CONNECTION_OPEN, CloseCodes.ANOTHER_CONNECTION_OPEN_REASON);

    /** How long a claim that found the slot busy waits before it asks again, once. */
    static final long BUSY_RETRY_DELAY_MILLIS = 100;

    /**
     * Where the request is in its life. OPENING: a new session waits for the service's admission;
     * store events wait with it, as while CLAIMING.
     */
    enum State { CLAIMING, OPENING, ACTIVE, ENDING, DONE }

    final ChannelHandlerContext ctx;
    final SockJsRequest request;
    final SockJsEndpoint endpoint;
    final SessionKey key;
    final SessionStore store;
    final StoreBackedSession session;
    final TransportType type;
    final FrameFormat format;
    final SockJsMetrics metrics;
    private final ReceiverId id;
    private final LiveConnections live;
    private final ChannelFutureListener closeListener = future -> aborted();
    State state = State.CLAIMING;
    /** The seq of the last message written to the response. */
    long deliveredSeq;
    private ScheduledFuture<?> heartbeat;
    private List<Runnable> early;
    private boolean busyRetried;
    /** The node is going away: once active, hand the session on instead of holding it. */
    private boolean draining;
    /** Whether {@link SockJsMetrics#connectionOpened} was told of this request (and not yet undone). */
    private boolean counted;

    HttpReceiver(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key,
            SockJsRuntime runtime, TransportType type, FrameFormat format) {
        this.ctx = ctx;
        this.request = request;
        this.endpoint = endpoint;
        this.key = key;
        this.store = runtime.store();
        this.session = runtime.session(endpoint, key);
        this.type = type;
        this.format = format;
        this.metrics = runtime.metrics();
        this.id = runtime.nextReceiverId();
        this.live = runtime.live();
    }

    /** Claims the session; everything else follows from the claim's answer. */
    final void start(ClaimMode mode) {
        ctx.channel().closeFuture().addListener(closeListener);
        live.add(this);
        claim(mode);
    }

    private void claim(ClaimMode mode) {
        // A gone endpoint starts no session; its closed ones still hand out their close frame.
        SessionStore.Creation creation = endpoint.acceptsNewSessions()
                ? SessionStore.Creation.CREATE_IF_MISSING : SessionStore.Creation.EXISTING_ONLY;
        store.claim(key, mode, creation, this)
                .whenComplete((claim, error) -> SockJsRuntime.onLoop(ctx, () -> claimed(claim, error, mode)));
    }

    /**
     * A busy slot may be held by a request whose client just went away: its node has not seen the
     * connection close yet (another event loop, or another node behind the store). Asking once
     * more a moment later tells that apart from a really open second connection, which gets 2010.
     */
    private boolean retryIfBusy(Claim claim, ClaimMode mode) {
        if (claim.outcome() != Claim.Outcome.BUSY || busyRetried) {
            return false;
        }
        busyRetried = true;
        ctx.executor().schedule(() -> SockJsRuntime.onLoop(ctx, () -> {
            if (ctx.channel().isActive()) {
                claim(mode);
            } else {
                state = State.DONE;
                detach();
            }
        }), BUSY_RETRY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        return true;
    }

    private void claimed(Claim claim, Throwable error, ClaimMode mode) {
        if (error != null) {
            state = State.DONE;
            detach();
            log.warn("{} session {}: store failed on claim: {}", ctx.channel(), key, error.toString());
            storeFailed();
            return;
        }
        if (!ctx.channel().isActive()) {
            clientGoneBeforeClaim(claim, mode);
            return;
        }
        if (retryIfBusy(claim, mode)) {
            return;
        }
        switch (claim.outcome()) {
            case OPENED -> {
                state = State.OPENING;
                metrics.sessionOpened(type);
                connected();
                admit();
                return;
            }
            case ATTACHED -> {
                state = State.ACTIVE;
                connected();
                attached(claim.pending(), claim.closeFrame());
            }
            case CLOSED -> refused(claim.closeFrame());
            case BUSY -> refused(ANOTHER_CONNECTION);
            case NOT_FOUND -> {
                // Only an endpoint that accepts no new sessions claims EXISTING_ONLY: its unknown
                // sessions are as unknown as its prefix.
                done();
                HttpResponses.sendNotFound(ctx, request);
            }
        }
        runEarly();
    }

    /**
     * Asks the service to admit the new session. The open frame waits for the answer: a client
     * that publishes as soon as it reads {@code o} must find its session reachable.
     */
    private void admit() {
        endpoint.service().onOpen(session)
                .exceptionally(error -> {
                    log.warn("{} session {}: service failed on open: {}", ctx.channel(), key, error.toString());
                    return Admission.refused(CloseCodes.SERVICE_UNAVAILABLE, CloseCodes.SERVICE_UNAVAILABLE_REASON);
                })
                .thenAccept(admission -> SockJsRuntime.onLoop(ctx, () -> admitted(admission)));
    }

    private void admitted(Admission admission) {
        if (state != State.OPENING) {
            return; // evicted meanwhile
        }
        if (!admission.isAdmitted()) {
            refuse(admission.refusal());
        } else if (!ctx.channel().isActive()) {
            state = State.DONE;
            detach();
            interrupt(); // the service knows the session: close it, as a poll aborted later would
        } else {
            // Still OPENING while the open frame is written: store events wait until it is out.
            opened();
            if (state == State.OPENING) {
                state = State.ACTIVE;
            }
            runEarly();
        }
    }

    /**
     * Closes a refused session in the store first, so that every later request of it finds the
     * close, then writes the refusal where the open frame would have gone.
     */
    private void refuse(SockJsFrame refusal) {
        early = null; // the store's own notice of this close among them: the refusal says it
        session.close(refusal.closeCode(), refusal.closeReason()).whenComplete((closed, error) ->
                SockJsRuntime.onLoop(ctx, () -> {
                    if (state != State.OPENING) {
                        return;
                    }
                    if (ctx.channel().isActive()) {
                        openRefused(refusal); // never ACTIVE: the store's notice of this close stays unheard
                    } else {
                        state = State.DONE;
                        detach();
                        store.release(key, id, 0, endpoint.options().disconnectDelay());
                    }
                }));
    }

    // Runs what the store said while the claim (or the admission) was on its way.
    private void runEarly() {
        List<Runnable> queued = early;
        early = null;
        if (queued != null && state == State.ACTIVE) {
            queued.forEach(Runnable::run);
        }
        if (draining && state == State.ACTIVE) {
            drained();
        }
    }

    // The client left while the claim was on its way: undo what the claim did.
    private void clientGoneBeforeClaim(Claim claim, ClaimMode mode) {
        state = State.DONE;
        detach();
        if (claim.outcome() == Claim.Outcome.OPENED) {
            store.delete(key); // nobody ever heard of this session
        } else if (claim.holdsSlot(mode)) {
            interrupt();
        }
    }

    @Override
    public ReceiverId id() {
        return id;
    }

    @Override
    public void onMessages(List<QueuedMessage> messages) {
        whenActive(() -> {
            List<QueuedMessage> fresh = dropRepeats(messages);
            if (!fresh.isEmpty()) {
                messages(fresh);
            }
        });
    }

    @Override
    public void onClosed(SockJsFrame closeFrame) {
        whenActive(() -> closed(closeFrame));
    }

    @Override
    public void onEvicted() {
        SockJsRuntime.later(ctx, () -> {
            if (state != State.DONE) {
                log.info("{} session {}: receiver evicted by the store", ctx.channel(), key);
                state = State.DONE;
                detach();
                ctx.close();
            }
        });
    }

    // Store callbacks come from any thread and may come before the claim's answer is handled.
    private void whenActive(Runnable task) {
        SockJsRuntime.later(ctx, () -> {
            if (state == State.ACTIVE) {
                task.run();
            } else if (state == State.CLAIMING || state == State.OPENING) {
                if (early == null) {
                    early = new ArrayList<>(2);
                }
                early.add(task);
            }
        });
    }

    private List<QueuedMessage> dropRepeats(List<QueuedMessage> messages) {
        int skip = 0;
        while (skip < messages.size() && messages.get(skip).seq() <= deliveredSeq) {
            skip++;
        }
        return skip == 0 ? messages : messages.subList(skip, messages.size());
    }

    /** The client closed the connection while the request was held: the session cannot go on. */
    private void aborted() {
        if (state != State.ACTIVE) {
            return;
        }
        state = State.DONE;
        cancelHeartbeat();
        live.remove(this);
        disconnected();
        log.debug("{} session {}: client went away", ctx.channel(), key);
        interrupt();
    }

    private void interrupt() {
        // Close first so that the next request finds the 1002 frame, then free the slot so that
        // the closed session can expire.
        session.close(INTERRUPTED.closeCode(), INTERRUPTED.closeReason(), SockJsMetrics.CloseReason.INTERRUPTED)
                .whenComplete((closed, error) ->
                store.release(key, id, deliveredSeq, endpoint.options().disconnectDelay()));
    }

    /**
     * Gives up the slot (acknowledging what was written), then runs {@code then} on the event loop:
     * the next request of the session, on whatever node, must find the slot free and the queue right.
     */
    final void releaseThen(Runnable then) {
        state = State.ENDING;
        cancelHeartbeat();
        store.release(key, id, deliveredSeq, endpoint.options().disconnectDelay())
                .whenComplete((ignored, error) -> SockJsRuntime.onLoop(ctx, () -> {
                    state = State.DONE;
                    detach();
                    if (error != null) {
                        log.warn("{} session {}: store failed on release: {}", ctx.channel(), key, error.toString());
                        storeFailed();
                    } else {
                        then.run();
                    }
                }));
    }

    /** Marks the request finished without a slot to give back (refusals). */
    final void done() {
        state = State.DONE;
        cancelHeartbeat();
        detach();
    }

    final void scheduleHeartbeat() {
        long nanos = endpoint.options().heartbeatInterval().toNanos();
        heartbeat = ctx.executor().schedule(() -> {
            if (state == State.ACTIVE) {
                heartbeat();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancelHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    private void detach() {
        ctx.channel().closeFuture().removeListener(closeListener);
        live.remove(this);
        disconnected();
    }

    /**
     * The node is going away: an active request releases the slot and ends its response, so the
     * client's next request lands on another node and finds the session and its queue in the
     * store; a request still claiming does so as soon as its claim is in.
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
                live.remove(this);
            }
        });
    }

    private void connected() {
        counted = true;
        metrics.connectionOpened(type);
    }

    private void disconnected() {
        if (counted) {
            counted = false;
            metrics.connectionClosed(type);
        }
    }

    /** The headers every response of this transport carries. */
    final void commonHeaders(HttpResponse response) {
        HttpResponses.transportHeaders(response, type, request, endpoint.options());
    }

    /** A new session the service admitted: write the open frame. */
    abstract void opened();

    /** A new session the service refused (already closed in the store): write {@code refusal} and end. */
    abstract void openRefused(SockJsFrame refusal);

    /** An existing session: deliver {@code pending}, then {@code closeFrame} if not null. */
    abstract void attached(List<QueuedMessage> pending, SockJsFrame closeFrame);

    /** No slot for this request: write {@code frame} alone and end. */
    abstract void refused(SockJsFrame frame);

    abstract void messages(List<QueuedMessage> messages);

    abstract void closed(SockJsFrame closeFrame);

    abstract void heartbeat();

    /** The node drains: release the slot, then end the response as the transport ends it. */
    abstract void drained();

    /** The store failed; the slot is not ours (or no longer). */
    abstract void storeFailed();

    @Override
    public SessionKey sessionKey() {
        return key;
    }
}

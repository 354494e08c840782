package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.http.LoopFlushes;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One websocket of a session, after the handshake: the session lives exactly as long as the
 * connection. It creates its session in the store (a session id already in use gets a fresh
 * {@code <id>~<random>} for this connection, as websockets may share ids), writes what the store
 * hands it, passes what the client sends to the service, and deletes the session when it ends.
 *
 * <p>Subclasses choose the framing: SockJS frames, or raw messages.
 */
abstract class WebSocketConnection extends ChannelInboundHandlerAdapter
        implements Receiver, LiveConnections.Drainable {

    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);

    /** OPENING: created, waiting for the service's admission and then the handshake's answer. */
    private enum State { CLAIMING, OPENING, OPEN, ENDED }

    /**
     * How often a websocket acknowledges what it wrote. Its session never moves to another receiver,
     * so acknowledgements only trim the store's queue; a queue then also holds up to this long of
     * written messages, or a quarter of its bound, whichever comes first (see {@link Acknowledger}).
     * Each acknowledgement is a store round trip and, on Redis, a script call that empties the queue
     * (the next message re-creates it): at 11 messages a second to a session, 250 ms cost 1.5 Redis
     * calls per message, 1 s about 0.45.
     */
    static final java.time.Duration ACKNOWLEDGEMENT_INTERVAL = java.time.Duration.ofSeconds(1);

    /** How long a close we sent waits for the client's answering close before the TCP close. */
    static final long CLOSE_GRACE_MILLIS = 2000;

    final SockJsEndpoint endpoint;
    private final SockJsRuntime runtime;
    private final SessionStore store;
    private final ReceiverId id;
    private final SockJsMetrics metrics;
    ChannelHandlerContext ctx;
    volatile SessionKey key;
    StoreBackedSession session;
    private State state = State.CLAIMING;
    private Supplier<ChannelFuture> handshake;
    /** Store events that came while the session was opening, in order. */
    private List<Runnable> earlyEvents;
    private boolean renamed;
    private boolean closedByStore;
    private long deliveredSeq;
    private Acknowledger acknowledger;
    private List<String> early;
    private int servicePending;
    /** The last batch handed to the service; the next waits for it. */
    private java.util.concurrent.CompletionStage<Void> serviceTail = java.util.concurrent.CompletableFuture.completedFuture(null);
    private boolean closeSent;
    private boolean draining;
    private final int controlFrameRate;
    private ControlFrameBudget controlFrames;

    WebSocketConnection(SockJsRuntime runtime, SockJsEndpoint endpoint, SessionKey key) {
        this.runtime = runtime;
        this.store = runtime.store();
        this.endpoint = endpoint;
        this.key = key;
        this.session = runtime.session(endpoint, key);
        this.id = runtime.nextReceiverId();
        this.metrics = runtime.metrics();
        this.controlFrameRate = runtime.policy().maxControlFramesPerSecond();
    }

    /** The session is open: write what opens it on the wire (the {@code o} frame, or nothing). */
    abstract void opened();

    /** Writes messages from the store (without flushing). */
    abstract void write(List<QueuedMessage> messages);

    /** Writes the end of the session and closes the connection. */
    abstract void closing(SockJsFrame closeFrame);

    /** A text message from the client. */
    abstract void received(String text);

    /** The node is going away: write the going-away close (1001) and start the close handshake. */
    abstract void goingAway();

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // The loop's ticker, not System.nanoTime(): tests move it on their own.
        this.controlFrames = new ControlFrameBudget(controlFrameRate, ctx.executor().ticker().nanoTime());
    }

    /**
     * Creates the session and has the service admit it; only then does {@code handshake} answer
     * the upgrade, so that a client that publishes as soon as its websocket opens (or its
     * {@code o} frame arrives) finds the session reachable.
     */
    final void start(Supplier<ChannelFuture> handshake) {
        this.handshake = handshake;
        runtime.live().add(this);
        claim();
    }

    private void claim() {
        state = State.CLAIMING;
        store.claim(key, ClaimMode.STREAM, SessionStore.Creation.CREATE_ONLY, this)
                .whenComplete((claim, error) -> SockJsRuntime.onLoop(ctx, () -> claimed(claim, error)));
    }

    private void claimed(Claim claim, Throwable error) {
        if (error != null) {
            log.warn("{} session {}: store failed on claim: {}", ctx.channel(), key, error.toString());
            state = State.ENDED;
            handshakeThen(() -> ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.TRY_AGAIN_LATER))
                    .addListener(ChannelFutureListener.CLOSE), () -> { });
            return;
        }
        if (claim.outcome() == Claim.Outcome.BUSY && !renamed) {
            renamed = true;
            key = new SessionKey(key.scope(), key.sessionId() + "~" + Long.toHexString(java.util.concurrent
                    .ThreadLocalRandom.current().nextLong()));
            session = runtime.session(endpoint, key);
            claim();
            return;
        }
        if (claim.outcome() != Claim.Outcome.OPENED) {
            log.warn("{} session {}: cannot create the session: {}", ctx.channel(), key, claim.outcome());
            state = State.ENDED;
            ctx.close();
            return;
        }
        if (!ctx.channel().isActive()) {
            state = State.ENDED;
            store.delete(key);
            return;
        }
        state = State.OPENING;
        metrics.sessionOpened(TransportType.WEBSOCKET);
        endpoint.service().onOpen(session)
                .exceptionally(failure -> {
                    log.warn("{} session {}: service failed on open: {}", ctx.channel(), key, failure.toString());
                    return Admission.refused(CloseCodes.SERVICE_UNAVAILABLE, CloseCodes.SERVICE_UNAVAILABLE_REASON);
                })
                .thenAccept(admission -> SockJsRuntime.onLoop(ctx, () -> admitted(admission)));
    }

    private void admitted(Admission admission) {
        if (state != State.OPENING) {
            return; // evicted meanwhile
        }
        SockJsFrame refusal = admission.refusal();
        if (refusal != null) {
            // Closed in the store before the client hears of it; then, as every websocket session, removed.
            earlyEvents = null;
            session.close(refusal.closeCode(), refusal.closeReason()).whenComplete((closed, error) ->
                    SockJsRuntime.onLoop(ctx, () -> {
                        state = State.ENDED;
                        store.delete(key);
                        handshakeThen(() -> closing(refusal), () -> { });
                    }));
            return;
        }
        handshakeThen(this::open, this::endUnopened);
    }

    /** The handshake answer went out: the session is open on the wire. */
    private void open() {
        metrics.connectionOpened(TransportType.WEBSOCKET);
        acknowledger = new Acknowledger(ctx, store, key, id, ACKNOWLEDGEMENT_INTERVAL);
        opened(); // still OPENING: store events that come meanwhile wait until the open frame is out
        state = State.OPEN;
        List<Runnable> events = earlyEvents;
        earlyEvents = null;
        if (events != null) {
            events.forEach(Runnable::run);
        }
        List<String> queued = early;
        early = null;
        if (queued != null && state == State.OPEN) {
            queued.forEach(this::received);
        }
        if (draining && state == State.OPEN) {
            goingAway();
        }
    }

    // The client left before its session opened on the wire; the service knows the session.
    private void endUnopened() {
        state = State.ENDED;
        ended();
    }

    /**
     * Answers the upgrade, then runs {@code then} on the event loop if the connection is still
     * there, else {@code gone}.
     */
    private void handshakeThen(Runnable then, Runnable gone) {
        if (!ctx.channel().isActive()) {
            gone.run();
            return;
        }
        handshake.get().addListener(future -> SockJsRuntime.onLoop(ctx, () -> {
            if (future.isSuccess() && ctx.channel().isActive()) {
                then.run();
            } else {
                if (!future.isSuccess()) {
                    log.debug("{} websocket handshake failed: {}", ctx.channel(), future.cause().toString());
                }
                ctx.close();
                gone.run();
            }
        }));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text && !closeSent) {
                String message = text.text();
                if (state == State.OPEN) {
                    received(message);
                } else if (state == State.CLAIMING || state == State.OPENING) {
                    if (early == null) {
                        early = new ArrayList<>(2);
                    }
                    early.add(message);
                }
            } else if (msg instanceof PingWebSocketFrame || msg instanceof PongWebSocketFrame) {
                if (withinControlBudget() && msg instanceof PingWebSocketFrame ping && !closeSent) {
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()), ctx.voidPromise());
                }
            } else if (msg instanceof CloseWebSocketFrame close) {
                if (closeSent) {
                    ctx.close(); // the client answered our close: the close handshake is complete
                } else {
                    closeSent = true;
                    ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), close.reasonText()))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
            // Binary frames carry nothing for SockJS.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Counts a ping or pong against the budget; the first one over it starts the close handshake
     * with 1008 (policy violation) and stops reading. (A close frame ends the connection, so it
     * needs no budget.)
     */
    private boolean withinControlBudget() {
        if (controlFrames.take(ctx.executor().ticker().nanoTime())) {
            return true;
        }
        if (!closeSent) {
            log.debug("{} session {}: too many control frames, closing", ctx.channel(), key);
            metrics.webSocketRefused(WebSocketCloseStatus.POLICY_VIOLATION.code());
            sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "Too many control frames"));
            // Not a frame more is read: the rest of the flood would only cost decoding. The close
            // grace ends the connection; no answering close is awaited from a flooder.
            ctx.channel().config().setAutoRead(false);
        }
        return false;
    }

    /**
     * Passes client messages on, one batch after the other: the service's stages may complete out of
     * order (they wait on the store), and a session's messages must reach it in the order sent.
     * Reading from the socket stops while batches wait.
     */
    final void deliver(List<String> messages) {
        metrics.messagesReceived(messages.size());
        servicePending++;
        ctx.channel().config().setAutoRead(false);
        serviceTail = serviceTail
                .thenCompose(previous -> endpoint.service().onMessages(session, messages))
                .handle((ignored, error) -> {
                    SockJsRuntime.onLoop(ctx, () -> {
                        if (error != null) {
                            log.warn("{} session {}: service failed on messages", ctx.channel(), key, error);
                        }
                        if (--servicePending == 0) {
                            ctx.channel().config().setAutoRead(true);
                        }
                    });
                    return null;
                });
    }

    @Override
    public void onMessages(List<QueuedMessage> messages) {
        whenOpen(() -> {
            int skip = 0;
            while (skip < messages.size() && messages.get(skip).seq() <= deliveredSeq) {
                skip++;
            }
            if (skip < messages.size()) {
                List<QueuedMessage> fresh = skip == 0 ? messages : messages.subList(skip, messages.size());
                // Counted before the flush: a client that got them must find them counted.
                metrics.messagesSent(fresh.size());
                write(fresh);
                LoopFlushes.flushSoon(ctx);
                deliveredSeq = Frames.lastSeq(fresh);
                // A client that reads too slowly is cut off by the node's write-backlog bound,
                // which counts every frame of the connection (see the node's WriteBacklogLimit).
                acknowledger.delivered(deliveredSeq);
            }
        });
    }

    @Override
    public void onClosed(SockJsFrame closeFrame) {
        whenOpen(() -> {
            closedByStore = true;
            closing(closeFrame);
        });
    }

    // Store callbacks come from any thread, and for a new session before it is open on the wire.
    private void whenOpen(Runnable task) {
        SockJsRuntime.later(ctx, () -> {
            if (state == State.OPEN) {
                task.run();
            } else if (state == State.CLAIMING || state == State.OPENING) {
                if (earlyEvents == null) {
                    earlyEvents = new ArrayList<>(2);
                }
                earlyEvents.add(task);
            }
        });
    }

    @Override
    public void onEvicted() {
        SockJsRuntime.later(ctx, () -> {
            // The store gave the session up for this node (it lost it, e.g. Redis restarted empty,
            // or judged this node dead): end without touching it again (ENDED before the close, so
            // that channelInactive neither closes nor deletes it), with a close frame when the
            // session was open, so that the client learns why instead of seeing the connection cut.
            if (state == State.OPEN) {
                metrics.connectionClosed(TransportType.WEBSOCKET);
            }
            log.info("{} session {}: receiver evicted by the store", ctx.channel(), key);
            boolean wasOpen = state == State.OPEN;
            state = State.ENDED;
            if (wasOpen && !closeSent) {
                acknowledger.stop();
                closing(SockJsFrame.close(CloseCodes.SERVICE_UNAVAILABLE, CloseCodes.SERVICE_UNAVAILABLE_REASON));
            } else {
                if (wasOpen) {
                    acknowledger.stop();
                }
                ctx.close();
            }
        });
    }

    @Override
    public ReceiverId id() {
        return id;
    }

    /**
     * The node is going away: an open websocket gets the going-away close, and its client opens
     * a new session, through the balancer, on another node. The session ends with the connection.
     */
    @Override
    public void drain() {
        SockJsRuntime.later(ctx, () -> {
            if (draining) {
                return;
            }
            draining = true;
            if (state == State.OPEN && !closeSent) {
                log.debug("{} session {}: node draining, going away", ctx.channel(), key);
                goingAway();
            } else if (state == State.ENDED) {
                runtime.live().remove(this);
            }
            // CLAIMING: goes away as soon as the session is open.
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        runtime.live().remove(this);
        if (state == State.OPEN) {
            state = State.ENDED;
            acknowledger.stop();
            metrics.connectionClosed(TransportType.WEBSOCKET);
            ended();
        }
        if (state != State.OPENING) {
            state = State.ENDED; // an opening session ends once the service has answered (admitted)
        }
        ctx.fireChannelInactive();
    }

    // A websocket session ends with its connection; the service hears of it unless it closed it.
    private void ended() {
        if (closedByStore) {
            store.delete(key);
            return;
        }
        log.debug("{} session {}: websocket ended", ctx.channel(), key);
        session.close(CloseCodes.CONNECTION_INTERRUPTED, CloseCodes.CONNECTION_INTERRUPTED_REASON,
                        SockJsMetrics.CloseReason.WEBSOCKET_ENDED)
                .whenComplete((closed, error) -> store.delete(key));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} session {}: websocket failed: {}", ctx.channel(), key, cause.toString());
        if (cause instanceof TooLongFrameException && !closeSent) {
            // The aggregator's verdict on a fragmented message over max-message-bytes.
            metrics.webSocketRefused(WebSocketCloseStatus.MESSAGE_TOO_BIG.code());
            sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Message too big"));
        } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // A corrupted frame (1002, 1007, 1009 for one frame) was answered by the decoder or the
            // UTF-8 validator, which write the close frame and then close.
            if (corrupted.closeStatus() != null) {
                metrics.webSocketRefused(corrupted.closeStatus().code());
            }
        } else {
            ctx.close();
        }
    }

    /**
     * Starts the websocket close handshake (RFC 6455 5.5.1): sends {@code close}, reads nothing
     * more, and closes the connection when the client answers or the grace period is over. Closing
     * at once would race the client's handling of the handshake answer when the session closes as
     * soon as it opens.
     */
    final void sendClose(CloseWebSocketFrame close) {
        closeSent = true;
        ctx.writeAndFlush(close).addListener(future -> {
            if (future.isSuccess()) {
                ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    TextWebSocketFrame text(CharSequence text) {
        return new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), text));
    }

    @Override
    public SessionKey sessionKey() {
        return key;
    }
}

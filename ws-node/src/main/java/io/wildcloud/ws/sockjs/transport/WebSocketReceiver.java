package io.wildcloud.ws.sockjs.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.edge.LoopFlushes;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.MessagesRefusedException;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One websocket of a session: the {@link SessionReceiver} state machine for a session that lives
 * exactly as long as the connection. It creates its session (a session id already in use gets a
 * fresh {@code <id>~<random>} for this connection, as websockets may share ids), has Netty's
 * handshake handler answer the upgrade once the service admitted it (the 101 is the open of a raw
 * websocket), passes what the client sends to the service, and deletes the session when it ends.
 *
 * <p>Netty's protocol handler answers pings and a client's close and drops whatever is written
 * after a close frame; {@link CloseHandshake} ends the connection after a close of ours. Writes
 * here stop at a close of ours too, as Netty would fail them. Subclasses choose the framing: SockJS
 * frames, or raw messages.
 */
abstract class WebSocketReceiver extends SessionReceiver {

    private static final Logger log = LoggerFactory.getLogger(WebSocketReceiver.class);

    /**
     * How often a websocket acknowledges what it wrote. Its session never moves to another receiver,
     * so acknowledgements only trim the store's queue; a queue then also holds up to this long of
     * written messages, or a quarter of its bound, whichever comes first (see {@link Acknowledger}
     * and BENCHMARKS.md for what shorter intervals cost the store).
     */
    static final Duration ACKNOWLEDGEMENT_INTERVAL = Duration.ofSeconds(1);

    /** Dropped once the 101 (or a 404) is out: it holds the upgrade request, headers and all, for the session's life otherwise. */
    private WebSocketUpgrade.Answer upgrade;
    private final ClientMessages clientMessages;
    /** The connection is the session: its bucket lives and dies with it. */
    private final MessageBucket messageBucket;
    /** What to do once the 101 is out; set before {@link #upgrade} runs. */
    private Runnable afterHandshake;
    /** Client messages that came before the session was active, in order. */
    private List<String> early;
    private boolean closeSent;
    /** The service admitted the session before its claim and may have set an opening aside for it. */
    private boolean setAside;

    /** {@code upgrade} answers the upgrade request: Netty's handshake handler's 101, or a 404. */
    WebSocketReceiver(ChannelHandlerContext ctx, SockJsRuntime runtime, SockJsEndpoint endpoint, SessionKey key,
            WebSocketUpgrade.Answer upgrade) {
        super(ctx, runtime, endpoint, key, TransportType.WEBSOCKET, SessionLifetime.CONNECTION);
        this.upgrade = upgrade;
        this.clientMessages = new ClientMessages(ctx, endpoint.service(), runtime.metrics(), this::messagesNotTaken);
        this.messageBucket = new MessageBucket(endpoint.options().clientMessageLimit(), System.nanoTime());
    }

    // ---- the framing's part ----

    /** The session is open: write what opens it on the wire (the {@code o} frame, or nothing). */
    abstract void writeOpen();

    /** Writes messages from the store (without flushing). */
    abstract void write(List<QueuedMessage> messages);

    /** Writes the end of the session and starts the close handshake ({@link #sendClose}). */
    abstract void writeClose(SockJsFrame closeFrame);

    /** The node is going away: write the going-away close (1001) and start the close handshake. */
    abstract void writeGoingAway();

    /** A text message of {@code bytes} UTF-8 bytes from the client, once the session is active. */
    abstract void readMessage(String text, int bytes);

    /**
     * Starts the session, always a new one (a websocket claims create-only): the service may
     * refuse it before the store creates it, which then costs the store nothing; one it admits is
     * counted from then on (websockets opened together count before their claims answer), and
     * the service is told if the claim creates no session ({@link #notCreated}).
     */
    final void startNew() {
        Admission verdict = endpoint.service().beforeCreate(key);
        if (verdict.isAdmitted()) {
            setAside = true;
            start(ClaimMode.STREAM);
        } else {
            done();
            handshakeThen(() -> writeClose(verdict.refusal()));
        }
    }

    @Override
    final void notCreated() {
        if (setAside) {
            setAside = false;
            endpoint.service().notCreated(key);
        }
    }

    @Override
    final void createdUnused() {
        if (setAside) {
            setAside = false;
            endpoint.service().createdUnused(key);
        }
    }

    // ---- the ReceiverTransport part ----

    @Override
    public void opened() {
        handshakeThen(() -> {
            acknowledgeWith(new Acknowledger(ctx, store, key, id(), ACKNOWLEDGEMENT_INTERVAL));
            writeOpen(); // still OPENING: store events that come meanwhile wait until the open frame is out
            activate();
        });
    }

    @Override
    void activated() {
        List<String> queued = early;
        early = null;
        if (queued != null) {
            // Counted again from the text: rare (only before the open), and it spares a list of sizes.
            queued.forEach(text -> received(text, ByteBufUtil.utf8Bytes(text)));
        }
    }

    @Override
    public void openRefused(SockJsFrame refusal) {
        // Closed in the store before the client hears of it; then, as every websocket session, removed.
        done();
        letGo(0);
        handshakeThen(() -> writeClose(refusal));
    }

    @Override
    public void attached(List<QueuedMessage> pending, SockJsFrame closeFrame) {
        refused(null); // a CREATE_ONLY claim never attaches
    }

    @Override
    public void refused(SockJsFrame frame) {
        if (frame == null && upgrade != null && ctx.channel().isActive()) {
            // The claim found the endpoint gone (a revoked or expired socket; the claim checked it
            // in place of a look-up before the upgrade): 404 before the 101, nothing created.
            log.debug("{} session {}: endpoint gone, 404", ctx.channel(), key);
            done();
            WebSocketUpgrade.Answer answer = upgrade;
            upgrade = null;
            answer.notFound();
            return;
        }
        log.warn("{} session {}: cannot create the session: {}", ctx.channel(), key,
                frame == null ? "not created" : frame.text());
        done();
        ctx.close();
    }

    @Override
    public void messages(List<QueuedMessage> messages) {
        if (!closeSent) {
            write(messages);
            LoopFlushes.flushSoon(ctx);
            // A client that reads too slowly is cut off by the node's write-backlog bound,
            // which counts every frame of the connection (see the node's WriteBacklogLimit).
        }
    }

    @Override
    public void closed(SockJsFrame closeFrame) {
        if (!closeSent) {
            writeClose(closeFrame);
        }
    }

    @Override
    public void drained() {
        if (!closeSent) {
            log.debug("{} session {}: node draining, going away", ctx.channel(), key);
            writeGoingAway();
        }
    }

    /**
     * The store gave the session up for this node (it lost it, e.g. Redis restarted empty, or judged
     * this node dead): an open websocket gets a close frame, so that the client learns why instead
     * of seeing the connection cut.
     */
    @Override
    public void evicted(boolean wasActive) {
        if (wasActive && !closeSent) {
            writeClose(SockJsFrame.close(CloseCodes.SERVICE_UNAVAILABLE, CloseCodes.SERVICE_UNAVAILABLE_REASON));
        } else {
            ctx.close();
        }
    }

    @Override
    public void storeFailed() {
        handshakeThen(() -> ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.TRY_AGAIN_LATER))
                .addListener(ChannelFutureListener.CLOSE));
    }

    // ---- from the pipeline ----

    /**
     * Has Netty's handshake handler answer the upgrade, then runs {@code then} if the connection is
     * still there. A handshake that fails closes the connection, which the state machine hears of.
     */
    private void handshakeThen(Runnable then) {
        if (ctx.channel().isActive() && upgrade != null) {
            afterHandshake = then;
            upgrade.accept();
        }
    }

    /** The 101 is out. */
    final void handshakeComplete() {
        upgrade = null;
        Runnable then = afterHandshake;
        afterHandshake = null;
        if (then != null && ctx.channel().isActive()) {
            then.run();
        }
    }

    /** A whole text message of {@code bytes} UTF-8 bytes from the client. */
    final void received(String text, int bytes) {
        if (closeSent) {
            return;
        }
        if (isActive()) {
            readMessage(text, bytes);
        } else if (state == State.CLAIMING || state == State.OPENING) {
            if (early == null) {
                early = new ArrayList<>(2);
            }
            early.add(text);
        }
    }

    /**
     * The service could not take the client's messages (the store did not answer for as long as
     * the session outlives a stall): the session ends with a close frame that says so, never with
     * its messages dropped unannounced. The close frame ends the connection, which ends the
     * session in the store.
     */
    private void messagesNotTaken(Throwable error) {
        if (Causes.unwrap(error) instanceof MessagesRefusedException refused) {
            // Refused for now, not failed (the service logs why, once): the client may come back later.
            log.debug("{} session {}: messages refused, closing with {} {}", ctx.channel(), key,
                    refused.closeCode(), refused.closeReason());
            if (!closeSent) {
                writeClose(SockJsFrame.close(refused.closeCode(), refused.closeReason()));
            }
            return;
        }
        // The reason names the store only when it was the store: anything else is the node's own fault.
        String reason = Causes.unwrap(error) instanceof StoreUnavailableException
                ? CloseCodes.STORE_UNAVAILABLE_REASON : CloseCodes.INTERNAL_ERROR_REASON;
        log.warn("{} session {}: messages not taken, closing with {} {}: {}", ctx.channel(), key,
                CloseCodes.STORE_UNAVAILABLE, reason, error.toString());
        if (!closeSent) {
            writeClose(SockJsFrame.close(CloseCodes.STORE_UNAVAILABLE, reason));
        }
    }

    /** A fragmented message went over max-message-bytes. */
    final void messageTooBig() {
        if (!closeSent) {
            sendClose(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Message too big"));
        }
    }

    // ---- for the framings ----

    /** Hands on the messages of one frame of {@code frameBytes}, if the session's bucket takes it. */
    final void deliver(List<String> messages, int frameBytes) {
        ClientMessageLimit.Exceeded exceeded = messageBucket.tryTake(messages.size(), frameBytes, System.nanoTime());
        if (exceeded != null) {
            // Refused whole: part of a frame would reach the application without the client knowing which part.
            runtime.metrics().messagesRefused(messages.size(), exceeded);
            String reason = endpoint.options().clientMessageLimit().closeReason(exceeded);
            log.info("{} session {}: {} message(s) in {} bytes over the client message limit, closing with {} {}",
                    ctx.channel(), key, messages.size(), frameBytes, CloseCodes.MESSAGE_RATE_EXCEEDED, reason);
            writeClose(SockJsFrame.close(CloseCodes.MESSAGE_RATE_EXCEEDED, reason));
            return;
        }
        if (!messages.isEmpty()) {
            clientMessages.deliver(session, messages);
        }
    }

    final void sendClose(CloseWebSocketFrame close) {
        closeSent = true;
        ctx.writeAndFlush(close); // CloseHandshake closes the connection when the client answers, or after the grace

    }

    final boolean closeSent() {
        return closeSent;
    }

    final TextWebSocketFrame text(CharSequence text) {
        return new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), text));
    }
}

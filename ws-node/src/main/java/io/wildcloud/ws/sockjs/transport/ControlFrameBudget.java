package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token bucket for the pings and pongs one websocket sends: {@code perSecond} a second sustained,
 * and as many at once. Each ping costs the node a pong, which Netty's protocol handler (after this
 * one) writes, so a client that pings without end (and reads nothing) would otherwise set the
 * node's pace and memory. The first frame over the budget starts the close handshake with 1008
 * (policy violation) and stops reading; the rest of the flood, already read, is dropped. (A close
 * frame ends the connection, so it needs no budget, and always passes.)
 *
 * <p>It bounds the fragments of one message the same way, at {@link #maxFragments}: each costs
 * the decoder, the UTF-8 check, the protocol handler and the aggregator a pass whatever its size,
 * and a 64 KiB message in 1-byte fragments held its event loop for ~140 ms (~2 us a fragment),
 * over a thousand times the same message in one frame. Browsers send a message in one frame.
 *
 * <p>It also drops whatever HTTP the client pipelines behind its upgrade request: before the 101
 * only the upgrade itself, which the receiver fires past this handler, may reach the handshake.
 *
 * <p>And it holds reading while the client's messages wait for the service ({@link #holdReads},
 * from {@link ClientMessages}): turning auto-read off is not enough, since the handlers after this
 * one ask for a read of their own when a read gave them nothing to pass on (Netty's protocol
 * handler after the pings it answered, the aggregator inside a fragmented message), which would
 * read on into messages that then wait too, for as long as the store stalls.
 */
final class ControlFrameBudget extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(ControlFrameBudget.class);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /**
     * The frames one message may come in: at least this many, and as many as leave 16 bytes a
     * frame of the largest message allowed (as a body's pieces scale with its limit): an operator
     * who raises max-message-bytes must not see a client that fragments by a few hundred bytes refused.
     */
    static final int MAX_FRAGMENTS = 4096;
    private static final int MIN_FRAGMENT_BYTES = 16;

    private final io.wildcloud.ws.sockjs.SockJsMetrics metrics;
    private final long capacity;
    private final int maxFragments;
    private final long nanosPerFrame;
    /** Frames left, in nanoseconds of refill ({@code nanosPerFrame} per frame), so no fractions. */
    private long available;
    private long refilledAt;
    /** The frames of the message being received so far. */
    private int fragments;
    private boolean spent;
    private boolean readsHeld;

    ControlFrameBudget(int perSecond, int maxMessageBytes, io.wildcloud.ws.sockjs.SockJsMetrics metrics) {
        this.metrics = metrics;
        this.maxFragments = maxFragments(maxMessageBytes);
        this.capacity = perSecond;
        this.nanosPerFrame = NANOS_PER_SECOND / perSecond;
        this.available = capacity * nanosPerFrame;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // The loop's ticker, not System.nanoTime(): tests move it on their own.
        refilledAt = ctx.executor().ticker().nanoTime();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame) || (spent && !(msg instanceof CloseWebSocketFrame))) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if ((msg instanceof PingWebSocketFrame || msg instanceof PongWebSocketFrame)
                && !take(ctx.executor().ticker().nanoTime())) {
            refuse(ctx, msg, "Too many control frames");
            return;
        }
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
            fragments = 1;
        } else if (msg instanceof ContinuationWebSocketFrame && ++fragments > maxFragments) {
            refuse(ctx, msg, "Too many fragments in one message");
            return;
        }
        ctx.fireChannelRead(msg);
    }

    static int maxFragments(int maxMessageBytes) {
        return Math.max(MAX_FRAGMENTS, maxMessageBytes / MIN_FRAGMENT_BYTES);
    }

    private void refuse(ChannelHandlerContext ctx, Object msg, String reason) {
        ReferenceCountUtil.release(msg);
        spent = true;
        log.debug("{} {}, closing", ctx.channel(), reason);
        metrics.webSocketRefused(WebSocketCloseStatus.POLICY_VIOLATION.code());
        // From the tail, so that Netty's protocol handler drops whatever is written after it.
        ctx.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, reason));
        // Not a frame more is read: the rest of the flood would only cost decoding. The close
        // grace ends the connection; no answering close is awaited from a flooder.
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * Once spent, asks for no more reads: the decoders after this handler ask for one when a read
     * gave them nothing to pass on and auto-read is off (as Netty's protocol handler does after a
     * batch of pings it answered itself), which would read on into the flood.
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!spent && !readsHeld) {
            ctx.read();
        }
    }

    /** While held, no read is asked for from behind this handler; auto-read is the caller's to turn off and on. */
    void holdReads(boolean held) {
        readsHeld = held;
    }

    /** Takes one frame's worth at {@code now} (nanoseconds); false when the budget is spent. */
    boolean take(long now) {
        available = Math.min(capacity * nanosPerFrame, available + (now - refilledAt));
        refilledAt = now;
        if (available < nanosPerFrame) {
            return false;
        }
        available -= nanosPerFrame;
        return true;
    }
}

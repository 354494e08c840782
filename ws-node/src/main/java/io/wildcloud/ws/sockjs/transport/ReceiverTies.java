package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.TransportType;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What ties one receiving connection to its node while it serves a session, all undone by
 * {@link #detach()}: its place among the node's live connections (the drain waits for it), the
 * connection gauge, the channel's close listener, its heartbeat timer and its acknowledgements.
 * Event loop only.
 */
final class ReceiverTies {

    private final ChannelHandlerContext ctx;
    private final LiveConnections live;
    private final SockJsMetrics metrics;
    private final TransportType type;
    private final LiveConnections.Drainable connection;
    private final ChannelFutureListener closeListener;
    private ScheduledFuture<?> heartbeat;
    private Acknowledger acknowledger;
    /** Whether {@link SockJsMetrics#connectionOpened} was told of this connection (and not yet undone). */
    private boolean counted;

    ReceiverTies(ChannelHandlerContext ctx, SockJsRuntime runtime, TransportType type,
            LiveConnections.Drainable connection, Runnable channelClosed) {
        this.ctx = ctx;
        this.live = runtime.live();
        this.metrics = runtime.metrics();
        this.type = type;
        this.connection = connection;
        this.closeListener = future -> channelClosed.run();
    }

    void attach() {
        ctx.channel().closeFuture().addListener(closeListener);
        live.add(connection);
    }

    /** The connection serves a session now. */
    void count() {
        counted = true;
        metrics.connectionOpened(type);
    }

    void heartbeatAfter(Duration interval, Runnable beat) {
        heartbeat = ctx.executor().schedule(beat, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    void acknowledgeWith(Acknowledger acknowledger) {
        this.acknowledger = acknowledger;
    }

    /** Messages up to {@code seq} were written, {@code chars} characters of them since the last call. */
    void delivered(long seq, long chars) {
        if (acknowledger != null) {
            acknowledger.delivered(seq, chars);
        }
    }

    /** No more heartbeats or acknowledgements: the slot is let go (which acknowledges) or lost. */
    void stopTimers() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
        if (acknowledger != null) {
            acknowledger.stop();
        }
    }

    /** Unties the connection; repeated calls are harmless. */
    void detach() {
        ctx.channel().closeFuture().removeListener(closeListener);
        live.remove(connection);
        if (counted) {
            counted = false;
            metrics.connectionClosed(type);
        }
    }
}

package io.wildcloud.ws.node.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off a peer that does not read: when more than {@code maxBacklogBytes} written to its
 * connection wait for it, whatever they are (responses, streamed chunks, websocket messages,
 * heartbeats, pongs, close frames), the connection is closed. Without it the node buffers for a
 * peer that never reads until direct memory runs out. Its backlog beyond {@link WriteMemory#STEP}
 * is reserved, step by step, from the port's {@link WriteMemory}, which cuts off the largest
 * backlogs when they together pass it.
 *
 * <p>The channel's high water mark follows the reservation: it is what the backlog may reach
 * before it must reserve more, so Netty's writability changes, not each write, drive the
 * accounting. A write checks only Netty's writability flag and, while the channel is unwritable,
 * its pending bytes. Past the high mark the backlog is checked once more after the current task
 * and a flush, so that only what the kernel would not take counts, not what this task wrote and
 * has yet to flush (a burst of publishes to a healthy reader). A connection that holds a
 * reservation checks its backlog every {@link #RECHECK_MILLIS} ms and gives back the steps that
 * drained (Netty tells of a drain only once, when the backlog falls under the low mark). Sits
 * first in the pipeline (nearest the socket), so every write passes it.
 */
public final class WriteBacklogLimit extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(WriteBacklogLimit.class);
    private static final int STEP = WriteMemory.STEP;
    static final long RECHECK_MILLIS = 100;
    private static final long NOT_CONDEMNED = -1;
    /** Closed: a late condemnation finds nothing to cut off. */
    private static final long GONE = -2;
    private static final AtomicLongFieldUpdater<WriteBacklogLimit> CONDEMNED_BYTES =
            AtomicLongFieldUpdater.newUpdater(WriteBacklogLimit.class, "condemnedBytes");

    private final long maxBacklogBytes;
    private final WriteMemory memory;
    private ChannelHandlerContext ctx;
    private boolean checkPending;
    private boolean recheckScheduled;
    private final Runnable check = this::check;
    private final Runnable recheck = () -> {
        recheckScheduled = false;
        check();
    };
    /** Bytes reserved from {@link #memory}; written on the channel's loop, read by other loops choosing whom to cut off. */
    private volatile long reserved;
    /** What the backlog may reach before the next check: the high water mark. */
    private long allowed;
    /** {@link #NOT_CONDEMNED}, the reservation when another writer chose this connection to cut off, or {@link #GONE}. */
    private volatile long condemnedBytes = NOT_CONDEMNED;

    /** @param memory the port's budget, which also counts cut-offs */
    public WriteBacklogLimit(long maxBacklogBytes, WriteMemory memory) {
        this.maxBacklogBytes = maxBacklogBytes;
        this.memory = memory;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        setMarks(0);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        if (!ctx.channel().isWritable() && pendingBytes() > allowed) {
            checkSoon();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Unwritable: past the high mark. Writable with a reservation: drained below the low mark.
        if (!ctx.channel().isWritable() || reserved > 0) {
            checkSoon();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void checkSoon() {
        if (!checkPending && ctx.channel().isActive()) {
            checkPending = true;
            ctx.executor().execute(check);
        }
    }

    private void check() {
        checkPending = false;
        if (!ctx.channel().isActive() || condemnedBytes != NOT_CONDEMNED) {
            return;
        }
        ctx.flush();
        long pending = pendingBytes();
        if (pending > maxBacklogBytes) {
            log.debug("{} peer does not read: more than max-write-backlog {} bytes unwritten; closing",
                    ctx.channel(), maxBacklogBytes);
            cutOff(WriteMemory.CutOff.MAX_WRITE_BACKLOG);
            return;
        }
        long needed = (Math.max(0, pending - STEP) + STEP - 1) / STEP * STEP;
        long held = reserved;
        if (needed > held) {
            reserved = needed;
            memory.reserve(this, needed - held); // may condemn this very connection
        } else if (needed < held) {
            reserved = needed;
            memory.release(this, held - needed, needed == 0, 0);
        }
        if (needed != held) {
            setMarks(needed);
        }
        if (needed > 0 && !recheckScheduled) {
            recheckScheduled = true;
            ctx.executor().schedule(recheck, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Unwritable past the backlog the reservation covers; writable again under half of it. */
    private void setMarks(long reservation) {
        allowed = Math.min(maxBacklogBytes, STEP + reservation);
        int high = (int) Math.min(Integer.MAX_VALUE, allowed);
        ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 2, high));
    }

    private long pendingBytes() {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** Bytes this connection holds of the port's budget now. */
    long reserved() {
        return reserved;
    }

    boolean isCondemned() {
        return condemnedBytes != NOT_CONDEMNED;
    }

    /**
     * Marks this connection to be cut off for the port's budget, from any thread; returns its
     * reservation, which its close gives back, or -1 when it was already condemned or closed.
     */
    long condemn() {
        long held = reserved;
        if (!CONDEMNED_BYTES.compareAndSet(this, NOT_CONDEMNED, held)) {
            return -1;
        }
        ctx.executor().execute(() -> {
            if (ctx.channel().isActive()) {
                log.debug("{} peer reads too slowly: the port's write backlogs passed their {} bytes of"
                        + " max-write-memory, and its {} reserved bytes were the largest; closing",
                        ctx.channel(), memory.limit(), held);
                cutOff(WriteMemory.CutOff.MAX_WRITE_MEMORY);
            }
        });
        return held;
    }

    private void cutOff(WriteMemory.CutOff reason) {
        memory.count(reason);
        ctx.close();
    }

    /** Gives back the whole reservation once the connection is gone (its buffered writes are released with it). */
    private void releaseAll() {
        long condemned = CONDEMNED_BYTES.getAndSet(this, GONE);
        if (condemned == GONE) {
            return;
        }
        long held = reserved;
        reserved = 0;
        if (held > 0 || condemned > 0) {
            memory.release(this, held, true, Math.max(0, condemned));
        }
    }
}

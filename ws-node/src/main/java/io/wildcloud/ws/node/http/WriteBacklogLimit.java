package io.wildcloud.ws.node.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off a peer that does not read: when more than {@code maxBacklogBytes} written to its
 * connection wait for it, whatever they are (responses, streamed chunks, websocket messages,
 * heartbeats, pongs, close frames), the connection is closed. Without it the node buffers for a
 * peer that never reads until direct memory runs out.
 *
 * <p>The bound is the channel's write-buffer water mark (both marks at it, so the channel turns
 * unwritable exactly when the backlog passes it). Writability is checked on every write and on
 * every change; when unwritable, once more after the current task and a flush, so that only what
 * the kernel would not take counts, not what this task wrote and has yet to flush (a burst of
 * publishes to a healthy reader). Sits first in the pipeline (nearest the socket), so every write
 * passes it.
 */
public final class WriteBacklogLimit extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(WriteBacklogLimit.class);

    private final long maxBacklogBytes;
    private final Runnable cutOffCount;
    private ChannelHandlerContext ctx;
    private boolean checkPending;
    private final Runnable check = this::check;

    /**
     * @param cutOffCount runs once per connection cut off, for metrics
     */
    public WriteBacklogLimit(long maxBacklogBytes, Runnable cutOffCount) {
        this.maxBacklogBytes = maxBacklogBytes;
        this.cutOffCount = cutOffCount;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        int mark = (int) Math.min(Integer.MAX_VALUE, maxBacklogBytes);
        ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(mark, mark));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        checkSoonIfOver();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        checkSoonIfOver();
        ctx.fireChannelWritabilityChanged();
    }

    private void checkSoonIfOver() {
        if (!checkPending && !ctx.channel().isWritable() && ctx.channel().isActive()) {
            checkPending = true;
            ctx.executor().execute(check);
        }
    }

    private void check() {
        checkPending = false;
        if (ctx.channel().isWritable() || !ctx.channel().isActive()) {
            return;
        }
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            log.debug("{} peer does not read: more than max-write-backlog {} bytes unwritten; closing",
                    ctx.channel(), maxBacklogBytes);
            cutOffCount.run();
            ctx.close();
        }
    }
}

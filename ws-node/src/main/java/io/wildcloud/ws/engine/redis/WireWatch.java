package io.wildcloud.ws.engine.redis;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.redisson.client.NettyHook;

/**
 * How long Redis has left a command that reached its connection unanswered: the
 * {@link StoreWatch}'s measure of a stall. Installed first in every Redisson connection's
 * pipeline ({@link NettyHook}), so it sees the bytes as they leave and arrive: a connection has
 * been waiting since its first write after its last read. Unlike the age of a command handed to
 * Redisson, this does not grow while a busy node's command waits for a connection, for its turn
 * in a batch or for CPU before it is written; it grows only while Redis, once asked, says
 * nothing. A read proves the server alive on that connection (one reply may leave others owed:
 * the node's next command, at least every sweep interval, starts the count again).
 */
final class WireWatch implements NettyHook {

    static final String HANDLER_NAME = "ws-wire-watch";

    private final LongSupplier nanoClock;
    /** Times are kept from here, so that 0 can mean "none" whatever the clock's sign. */
    private final long origin;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    WireWatch() {
        this(System::nanoTime);
    }

    WireWatch(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.origin = nanoClock.getAsLong() - 1;
    }

    @Override
    public void afterBoostrapInitialization(Bootstrap bootstrap) {
    }

    @Override
    public void afterChannelInitialization(Channel channel) {
        channel.pipeline().addFirst(HANDLER_NAME, new Connection());
    }

    /** Nanoseconds the longest-waiting connection has waited for Redis to say anything, 0 if none waits. */
    long longestWaitNanos() {
        long now = nanoClock.getAsLong() - origin;
        long longest = 0;
        for (Connection connection : connections) {
            long since = connection.waitingSince;
            if (since != 0) {
                longest = Math.max(longest, now - since);
            }
        }
        return longest;
    }

    /** One connection's wait; its fields are written on its event loop only. */
    private final class Connection extends ChannelDuplexHandler {

        /** The clock (from the origin) at its first write since its last read, 0 when none since. */
        private volatile long waitingSince;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            connections.add(this);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            connections.remove(this);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            // A lost connection fails its commands (StoreWatch hears of that); it waits no more.
            connections.remove(this);
            waitingSince = 0;
            super.channelInactive(ctx);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (waitingSince == 0) {
                waitingSince = nanoClock.getAsLong() - origin;
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            waitingSince = 0;
            super.channelRead(ctx, msg);
        }
    }
}

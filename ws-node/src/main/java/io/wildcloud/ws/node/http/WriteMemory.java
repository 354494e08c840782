package io.wildcloud.ws.node.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget of bytes waiting in the outbound buffers of one port's connections ({@code max-write-memory},
 * half per port): {@code max-write-backlog} bounds one connection, this bounds their sum. Each
 * connection's {@link WriteBacklogLimit} reserves its backlog beyond the first {@link #STEP} in steps
 * of {@code STEP} and gives them back as it drains. A reservation that passes the limit is granted,
 * and the connections with the largest backlogs (the writer's own included) are cut off until their
 * reservations cover the excess: slow readers lose, everyone else keeps being served, and no
 * allocation fails at random for want of direct memory.
 *
 * <p>Reservations change only when a backlog crosses a step, never per write, so a reader that
 * keeps up never touches the shared counters.
 */
public final class WriteMemory {

    /**
     * What a connection may have unwritten before it draws on the budget, and the size of each draw.
     * Netty's default high water mark: a message or two in flight to a reader that keeps up.
     */
    public static final int STEP = 64 * 1024;

    private final long limit;
    private final CutOff.Counter cutOffs;
    private final AtomicLong reserved = new AtomicLong();
    /** Reservations of connections chosen to be cut off whose close has not given them back yet. */
    private final AtomicLong condemned = new AtomicLong();
    private final Set<WriteBacklogLimit> holders = ConcurrentHashMap.newKeySet();

    /** @param cutOffs counts each connection cut off, by either bound */
    public WriteMemory(long limit, CutOff.Counter cutOffs) {
        this.limit = limit;
        this.cutOffs = cutOffs;
    }

    /** No limit on the sum: connections are bounded by {@code max-write-backlog} alone. */
    public static WriteMemory unlimited(CutOff.Counter cutOffs) {
        return new WriteMemory(Long.MAX_VALUE, cutOffs);
    }

    /**
     * Adds {@code bytes} to {@code holder}'s reservation (its {@link WriteBacklogLimit#reserved()}
     * already includes them); past the limit, condemns the largest holders until what they hold
     * covers the excess. On {@code holder}'s event loop.
     */
    void reserve(WriteBacklogLimit holder, long bytes) {
        holders.add(holder);
        long excess = reserved.addAndGet(bytes) - condemned.get() - limit;
        while (excess > 0) {
            WriteBacklogLimit largest = largestUncondemned();
            if (largest == null) {
                return;
            }
            long freed = largest.condemn();
            if (freed >= 0) {
                condemned.addAndGet(freed);
                excess -= freed;
            }
        }
    }

    /** Gives back {@code bytes} of {@code holder}'s reservation; {@code condemnedBytes} if it was condemned. */
    void release(WriteBacklogLimit holder, long bytes, boolean last, long condemnedBytes) {
        if (last) {
            holders.remove(holder);
        }
        if (bytes > 0) {
            reserved.addAndGet(-bytes);
        }
        if (condemnedBytes > 0) {
            condemned.addAndGet(-condemnedBytes);
        }
    }

    void count(CutOff reason) {
        cutOffs.count(reason);
    }

    private WriteBacklogLimit largestUncondemned() {
        WriteBacklogLimit largest = null;
        long most = 0;
        for (WriteBacklogLimit holder : holders) {
            long held = holder.reserved();
            if (held > most && !holder.isCondemned()) {
                largest = holder;
                most = held;
            }
        }
        return largest;
    }

    /** Bytes reserved now, by all connections of the port. */
    public long reserved() {
        return reserved.get();
    }

    public long limit() {
        return limit;
    }

    /** Why a connection was cut off: the {@code reason} tag of {@code ws.connections.cut.off}. */
    public enum CutOff {
        /** More than {@code max-write-backlog} bytes waited for its peer. */
        MAX_WRITE_BACKLOG("max_write_backlog"),
        /** Its port's backlogs together passed their share of {@code max-write-memory}, and its was the largest. */
        MAX_WRITE_MEMORY("max_write_memory");

        private final String tag;

        CutOff(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }

        /** Counts cut-offs of one port; called on event loops, so it must be quick and never block. */
        @FunctionalInterface
        public interface Counter {

            Counter NONE = reason -> {
            };

            void count(CutOff reason);
        }
    }
}

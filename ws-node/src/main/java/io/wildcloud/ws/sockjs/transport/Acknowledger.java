package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the store what a stream has written, in batches: at most one acknowledgement is in
 * flight; whatever was written meanwhile goes in the next one. A store round trip per message
 * would cost more than the message.
 *
 * <p>The channel's event loop reports writes; the store's answer may come on any thread and sends
 * the next acknowledgement from there, so an answer never costs a hand-off back to the event loop.
 *
 * <p>A receiver that never hands its session to another (a websocket: the session ends with the
 * connection) may wait a while between acknowledgements: they only trim the queue, and one for
 * many messages costs the store what one for a single message does. It still acknowledges at
 * once when a quarter of the store's queue bound is written and unacknowledged, of messages or
 * of bytes, so that a busy session's queue never fills with messages already written. Bytes are
 * counted as at most 3 a character (UTF-8 of UTF-16), which needs no scan of the messages: ASCII
 * messages are acknowledged at a twelfth of the byte bound, which is still one acknowledgement
 * per 5 messages of 64 KiB with the defaults.
 */
final class Acknowledger {

    private static final Logger log = LoggerFactory.getLogger(Acknowledger.class);
    /** The grid delayed acknowledgements are due on. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ChannelHandlerContext ctx;
    private final SessionStore store;
    private final SessionKey key;
    private final ReceiverId receiver;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final long intervalNanos;
    /** Written but unacknowledged messages that trigger an acknowledgement before the interval ends. */
    private final long eagerAfter;
    /** As {@link #eagerAfter}, of bytes (the queue bound's quarter). */
    private final long eagerAfterBytes;
    /** At most this many bytes were written since the last acknowledgement was sent or due; event loop only. */
    private long bytesSinceFlush;
    /** Whether a delayed flush is pending (on this loop's {@link DueTick}); event loop only. */
    private boolean delayed;
    private volatile boolean stopped;

    /** Acknowledges as soon as the previous acknowledgement is answered. */
    Acknowledger(ChannelHandlerContext ctx, SessionStore store, SessionKey key, ReceiverId receiver) {
        this(ctx, store, key, receiver, Duration.ZERO);
    }

    /** Acknowledges at most once per {@code interval} (and never two at once). */
    Acknowledger(ChannelHandlerContext ctx, SessionStore store, SessionKey key, ReceiverId receiver,
            Duration interval) {
        this.ctx = ctx;
        this.store = store;
        this.key = key;
        this.receiver = receiver;
        this.intervalNanos = interval.toNanos();
        this.eagerAfter = Math.max(1, store.maxQueueLength() / 4);
        this.eagerAfterBytes = Math.max(1, store.maxQueueBytes() / 4);
    }

    /**
     * Messages up to {@code seq} were written, {@code chars} characters of them since the last call.
     * Called on the channel's event loop.
     */
    void delivered(long seq, long chars) {
        written.accumulateAndGet(seq, Math::max);
        bytesSinceFlush += 3 * chars;
        if (intervalNanos == 0 || seq - acknowledged.get() >= eagerAfter || bytesSinceFlush >= eagerAfterBytes) {
            // One in flight meanwhile sends, when answered, all that was written: these bytes too.
            bytesSinceFlush = 0;
            flush();
        } else if (!delayed) {
            DueTick.join(this, ctx.executor(), intervalNanos);
            delayed = true;
        }
    }

    /** A delayed flush fell due (on the event loop). */
    private void due() {
        delayed = false;
        bytesSinceFlush = 0;
        flush();
    }

    /**
     * The delayed acknowledgements of one event loop that fall due on one tick of the grid: one
     * scheduled task per tick for all of them, not one per session. A task per session and second
     * put a thousand entries in the loop's scheduled-task heap, each insert a climb through it
     * (~3% of the event loop in issue 17's batch profile). Due times only grow with the clock, so
     * the loop keeps just the latest tick; a session that joins it after it ran starts the next.
     */
    private static final class DueTick {

        private static final FastThreadLocal<DueTick> LATEST = new FastThreadLocal<>();

        private final EventExecutor loop;
        private final long dueAt;
        private final List<Acknowledger> due = new ArrayList<>();
        private boolean ran;

        private DueTick(EventExecutor loop, long dueAt) {
            this.loop = loop;
            this.dueAt = dueAt;
        }

        /** Has {@code acknowledger} flushed on the grid's tick at least {@code interval} from now. */
        static void join(Acknowledger acknowledger, EventExecutor loop, long intervalNanos) {
            long now = System.nanoTime();
            long delay = alignedDelay(now, intervalNanos);
            DueTick tick = LATEST.get();
            if (tick == null || tick.ran || tick.loop != loop || tick.dueAt != now + delay) {
                tick = new DueTick(loop, now + delay);
                loop.schedule(tick::run, delay, TimeUnit.NANOSECONDS); // first: a stopped loop's refusal leaves no tick behind
                LATEST.set(tick);
            }
            tick.due.add(acknowledger);
        }

        private void run() {
            ran = true;
            for (int i = 0; i < due.size(); i++) {
                try {
                    due.get(i).due(); // a stopped one does nothing (see flush)
                } catch (RuntimeException e) {
                    // As the loop does with a failing task: logged, and the others still run.
                    log.warn("a delayed acknowledgement failed", e);
                }
            }
            due.clear(); // the loop keeps its latest tick: it must not keep the connections too
        }
    }

    /**
     * At least {@code interval} from {@code now}, up to the next multiple of {@link #TICK_NANOS} of
     * the clock: the delayed acknowledgements of all the loop's websockets fall due together, a
     * few times a second, instead of each at its own moment, each of which would wake an idle
     * loop (1,000 sessions with a message a second: 1,000 wake-ups a second).
     */
    static long alignedDelay(long now, long interval) {
        long due = now + interval;
        return interval + TICK_NANOS - Math.floorMod(due, TICK_NANOS);
    }

    /** No more acknowledgements: a release (which acknowledges too) or a delete follows. */
    void stop() {
        stopped = true; // a delayed flush still due finds it stopped
    }

    private void flush() {
        // Written is raised before the flag is tried, and the flag dropped before written is read
        // again: whichever side comes second sees the other's work, so no write is left waiting.
        if (stopped || written.get() <= acknowledged.get() || !inFlight.compareAndSet(false, true)) {
            return;
        }
        long seq = written.get();
        store.acknowledge(key, receiver, seq).whenComplete((ignored, error) -> {
            if (error != null) {
                // Not fatal: the next write tries again, and the release at the end acknowledges
                // everything written.
                log.debug("{} session {}: acknowledge failed: {}", ctx.channel(), key, error.toString());
                inFlight.set(false);
                return;
            }
            acknowledged.accumulateAndGet(seq, Math::max);
            inFlight.set(false);
            flush();
        });
    }
}

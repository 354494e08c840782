package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
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
 * once when a quarter of the store's queue bound is written and unacknowledged, so that a busy
 * session's queue never fills with messages already written.
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
    /** The pending delayed flush, if any; event loop only. */
    private ScheduledFuture<?> delayed;
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
    }

    /** Messages up to {@code seq} were written. Called on the channel's event loop. */
    void delivered(long seq) {
        written.accumulateAndGet(seq, Math::max);
        if (intervalNanos == 0 || seq - acknowledged.get() >= eagerAfter) {
            flush();
        } else if (delayed == null) {
            delayed = ctx.executor().schedule(() -> {
                delayed = null;
                flush();
            }, alignedDelay(System.nanoTime(), intervalNanos), TimeUnit.NANOSECONDS);
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
        stopped = true;
        if (delayed != null) {
            delayed.cancel(false);
            delayed = null;
        }
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

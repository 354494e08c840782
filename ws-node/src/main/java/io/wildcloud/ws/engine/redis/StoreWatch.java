package io.wildcloud.ws.engine.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Watches every command the store hands to Redisson (see {@link CommandGate}) for the health
 * check: Redisson waits {@code commandTimeout} per attempt and retries, so a stalled Redis shows
 * as an error only after seconds; how long a connection has waited for Redis shows it at once.
 *
 * <p>A problem is reported when a connection to Redis has waited {@link #STALL_THRESHOLD} for an
 * answer to what was written on it ({@link WireWatch}), or the last command to end got none (timed
 * out, connection lost) and none was answered since, or Redis refused a write for want of memory
 * and no write succeeded since. A node sends commands at least every sweep interval (the expiry
 * sweep, 500 ms by default), so a stall is reported within the threshold plus one sweep interval:
 * 2 s by default. The wait is measured on the wire, not from the hand-over to Redisson: on a busy
 * node (load 18 on two cores) commands wait for a connection, their batch or CPU before they are
 * written, and that wait made a node whose Redis answered report it stalled, and a balancer take
 * the node out. Without a {@link WireWatch} (tests) the oldest command handed over is the measure.
 * Cheap: a command costs two atomic increments; the check scans the connections (or {@value #RING}
 * counters).
 */
final class StoreWatch {

    /** How long a command may wait for its answer before the store counts as not answering. */
    static final Duration STALL_THRESHOLD = Duration.ofMillis(1500);
    private static final long TICK_NANOS = Duration.ofMillis(100).toNanos();
    /** Ticks of start times kept apart: 102 s, longer than Redisson keeps any command. */
    private static final int RING = 1024;

    private final LongSupplier nanoClock;
    private final long origin;
    /** Commands waiting for their answer, by the tick they started in (modulo the ring). */
    private final AtomicIntegerArray waiting = new AtomicIntegerArray(RING);
    /** When the last command ended without an answer, none answered since; 0 when one was. */
    private final AtomicLong unansweredSince = new AtomicLong();
    private volatile String unansweredCause;
    private volatile boolean full;
    private final List<Runnable> answeringAgain = new CopyOnWriteArrayList<>();
    private final AtomicLong timesAnsweringAgain = new AtomicLong();

    /** Nanoseconds Redis has left a written command unanswered ({@link WireWatch}); null: the hand-over's age. */
    private final LongSupplier wireWaitNanos;

    StoreWatch() {
        this(System::nanoTime);
    }

    StoreWatch(LongSupplier nanoClock) {
        this(nanoClock, null);
    }

    StoreWatch(WireWatch wire) {
        this(System::nanoTime, wire::longestWaitNanos);
    }

    StoreWatch(LongSupplier nanoClock, LongSupplier wireWaitNanos) {
        this.nanoClock = nanoClock;
        this.origin = nanoClock.getAsLong();
        this.wireWaitNanos = wireWaitNanos;
    }

    /** A command goes to Redisson now; pass the answer to {@link #ended}. */
    long started() {
        long tick = tick();
        waiting.incrementAndGet(slot(tick));
        return tick;
    }

    /** The command started at {@code tick} ended: answered ({@code error} null or a Redis error) or not. */
    void ended(long tick, Throwable error) {
        waiting.decrementAndGet(slot(tick));
        if (error != null && StoreErrors.unanswered(error)) {
            unansweredCause = StoreErrors.redacted(error.toString()); // /health is public: no keys or messages
            unansweredSince.compareAndSet(0, Math.max(1, nanoClock.getAsLong() - origin));
            return;
        }
        // A plain read first: every answer passes here, and only one after a gap needs the swap.
        if (unansweredSince.get() != 0 && unansweredSince.getAndSet(0) != 0) {
            timesAnsweringAgain.incrementAndGet();
            answeringAgain.forEach(Runnable::run);
        }
        if (error != null && StoreErrors.isOutOfMemory(error)) {
            full = true;
        }
    }

    /**
     * Runs {@code listener} (on the thread of the answer: it must not block) whenever Redis answers
     * a command after it left one unanswered: the health check's "Redis does not answer" ends.
     */
    void whenAnsweringAgain(Runnable listener) {
        answeringAgain.add(listener);
    }

    /** How many times Redis answered again so far: a caller that missed the signal compares two reads. */
    long timesAnsweringAgain() {
        return timesAnsweringAgain.get();
    }

    /** A write succeeded: Redis takes writes again. */
    void wrote() {
        full = false;
    }

    boolean full() {
        return full;
    }

    /**
     * How long Redis has left a written command unanswered (without a {@link WireWatch}: how long
     * the oldest command handed over has waited), or the time since Redis last failed to answer; 0
     * if neither.
     */
    long unansweredMillis() {
        long oldest = wireWaitNanos != null ? wireWaitNanos.getAsLong() : oldestHandedOverNanos();
        long since = unansweredSince.get();
        if (since != 0) {
            oldest = Math.max(oldest, nanoClock.getAsLong() - origin - since);
        }
        return Duration.ofNanos(oldest).toMillis();
    }

    private long oldestHandedOverNanos() {
        long now = tick();
        for (long tick = now - RING + 1; tick <= now; tick++) {
            if (waiting.get(slot(tick)) > 0) {
                return (now - tick) * TICK_NANOS;
            }
        }
        return 0;
    }

    /** Whether Redis answers: no command waited past the threshold, and the last to end got an answer. */
    boolean answering() {
        return unansweredSince.get() == 0 && unansweredMillis() < STALL_THRESHOLD.toMillis();
    }

    /** {@code null} while Redis answers and takes writes, else what is wrong (for {@code /health}). */
    String problem() {
        if (unansweredSince.get() != 0) {
            return "Redis does not answer: a command got no answer (" + unansweredCause + "), none answered since "
                    + unansweredMillis() + " ms";
        }
        long waited = unansweredMillis();
        if (waited >= STALL_THRESHOLD.toMillis()) {
            return "Redis does not answer: a command has waited " + waited + " ms"
                    + (wireWaitNanos != null ? " for its answer" : "");
        }
        if (full) {
            return "Redis is full: it refuses writes (OOM command not allowed, maxmemory reached with noeviction)";
        }
        return null;
    }

    private long tick() {
        return (nanoClock.getAsLong() - origin) / TICK_NANOS;
    }

    private static int slot(long tick) {
        return (int) Math.floorMod(tick, (long) RING);
    }
}

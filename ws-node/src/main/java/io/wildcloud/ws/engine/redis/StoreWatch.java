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
 * as an error only after seconds; the age of the oldest command still waiting shows it at once.
 *
 * <p>A problem is reported when a command has waited {@link #STALL_THRESHOLD} without an answer,
 * or the last command to end got none (timed out, connection lost) and none was answered since,
 * or Redis refused a write for want of memory and no write succeeded since. A node sends
 * commands at least every sweep interval (the expiry sweep, 500 ms by default), so a stall is
 * reported within the threshold plus one sweep interval: 2 s by default. Cheap: a command costs
 * two atomic increments; the check scans {@value #RING} counters.
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

    StoreWatch() {
        this(System::nanoTime);
    }

    StoreWatch(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.origin = nanoClock.getAsLong();
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

    /** How long the oldest command still waiting has waited, or the time since Redis last failed to answer; 0 if neither. */
    long unansweredMillis() {
        long now = tick();
        long oldest = 0;
        for (long tick = now - RING + 1; tick <= now; tick++) {
            if (waiting.get(slot(tick)) > 0) {
                oldest = (now - tick) * TICK_NANOS;
                break;
            }
        }
        long since = unansweredSince.get();
        if (since != 0) {
            oldest = Math.max(oldest, nanoClock.getAsLong() - origin - since);
        }
        return Duration.ofNanos(oldest).toMillis();
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
            return "Redis does not answer: a command has waited " + waited + " ms";
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

package io.wildcloud.ws.engine.redis;

/**
 * Redis's clock as this node reckons it, from a reading of {@code TIME} on the master that holds
 * the roster ({@link NodeRoster} reads it at start and at every heartbeat, each second) and this
 * host's monotonic clock since. Every time that nodes compare, or that a script compares with its
 * own {@code TIME} (a heartbeat, a process's start, a takeover's lateness, a poll's arrival, an
 * expiry index deadline), comes from here, never from a host's wall clock: hosts may be a minute
 * apart (the soak with skewed clocks, BENCHMARKS.md).
 *
 * <p>{@code TIME} ran somewhere between the reading's send and its answer, so a reading pins
 * Redis's clock to within its round trip: {@link #now} counts from the send (never behind),
 * {@link #arrivalAt} from the answer (never ahead). A reading whose round trip spanned a stall
 * would widen that by the stall (a heartbeat answered after 3.5 s put the clock 3.5 s ahead, and a
 * poll that arrived in time was judged late), so a reading is kept until one comes with a round
 * trip as short (within twice it, or {@link #SLACK_NANOS}), or it is {@link #MAX_AGE_NANOS} old:
 * the two clocks drift apart by microseconds a minute, but Redis's may step (a failover).
 * Before the first reading, this host's clock.
 */
final class StoreClock {

    static final long SLACK_NANOS = 20_000_000L;
    static final long MAX_AGE_NANOS = 30_000_000_000L;

    private volatile Reading reading;

    StoreClock() {
        long now = System.nanoTime();
        reading = new Reading(System.currentTimeMillis(), now, now, true);
    }

    /**
     * Redis answered {@code millis} to a {@code TIME} sent at {@code sentNanos} and answered at
     * {@code answeredNanos} ({@link System#nanoTime()}); kept unless the last reading pins the clock
     * closer and is recent.
     */
    synchronized void read(long millis, long sentNanos, long answeredNanos) {
        Reading last = reading;
        long roundTrip = answeredNanos - sentNanos;
        if (last.ofThisHost || roundTrip <= Math.max(2 * last.roundTrip(), SLACK_NANOS)
                || answeredNanos - last.answeredNanos > MAX_AGE_NANOS) {
            reading = new Reading(millis, sentNanos, answeredNanos, false);
        }
    }

    /** Now, on Redis's clock (ms): never behind it, by at most the reading's round trip ahead. */
    long now() {
        Reading last = reading;
        return last.millis + (System.nanoTime() - last.sentNanos) / 1_000_000;
    }

    /**
     * Redis's clock (ms) at {@code nanos} ({@link System#nanoTime()}, a request's arrival): never
     * ahead of it, so a request is never judged later than it came.
     */
    long arrivalAt(long nanos) {
        Reading last = reading;
        return last.millis + (nanos - last.answeredNanos) / 1_000_000;
    }

    /** @param ofThisHost a stand-in from this host's wall clock until Redis is read */
    private record Reading(long millis, long sentNanos, long answeredNanos, boolean ofThisHost) {
        long roundTrip() {
            return answeredNanos - sentNanos;
        }
    }
}

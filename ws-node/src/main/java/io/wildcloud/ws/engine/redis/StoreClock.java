package io.wildcloud.ws.engine.redis;

/**
 * Redis's clock as this node reckons it: the last reading of {@code TIME} on the master that holds
 * the roster ({@link NodeRoster} reads it at start and at every heartbeat, each second) plus this
 * host's monotonic clock since that reading was sent. Every time that nodes compare, or that a
 * script compares with its own {@code TIME} (a heartbeat, a process's start, a takeover's
 * lateness, a poll's arrival, an expiry index deadline), comes from here, never from a host's
 * wall clock: hosts may be a minute apart (the soak with skewed clocks, BENCHMARKS.md). Never
 * behind that clock, by at most a round trip ahead. Before the first reading, this host's clock.
 */
final class StoreClock {

    private volatile Reading reading = new Reading(System.currentTimeMillis(), System.nanoTime());

    /** Redis answered {@code millis} to a {@code TIME} sent at {@code sentNanos} ({@link System#nanoTime()}). */
    void read(long millis, long sentNanos) {
        reading = new Reading(millis, sentNanos);
    }

    /** Now, on Redis's clock (ms). */
    long now() {
        return at(System.nanoTime());
    }

    /** Redis's clock (ms) at {@code nanos} ({@link System#nanoTime()}, e.g. a request's arrival). */
    long at(long nanos) {
        Reading last = reading;
        return last.millis + (nanos - last.sentNanos) / 1_000_000;
    }

    private record Reading(long millis, long sentNanos) {
    }
}

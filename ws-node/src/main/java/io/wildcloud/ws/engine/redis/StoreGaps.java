package io.wildcloud.ws.engine.redis;

import java.time.Duration;

/**
 * When the expiry index takes a gap in its sweeps for a store that was away, and what it grants
 * then. Every running node sweeps every shard each sweep interval, so a shard unswept for much
 * longer means that no node could reach it: Redis stalled, restarted, or a Cluster was down (or
 * every node was). Clients could not come back meanwhile either: a poll that was on its way to
 * claim its session waited, or was refused, for the whole gap. Without a grace the first sweep
 * after the gap would end every released session whose disconnect delay ran out during it, before
 * the waiting claims ran, and their clients would find a new session and their messages gone.
 *
 * @param longestSweepGap the longest gap between two sweeps of a shard while the store and a node run
 * @param grace how long after a longer gap no session of the shard ends: time for the clients
 *     that waited to claim their sessions again
 */
record StoreGaps(Duration longestSweepGap, Duration grace) {

    /**
     * A gap is four sweep intervals, and at least 2 s (a node's GC pause or a loaded machine is no
     * store outage); the grace is SockJS's default disconnect delay, 5 s: a client gets as long to
     * come back after the store does as it would have had before.
     */
    static StoreGaps forSweepInterval(Duration sweepInterval) {
        Duration gap = sweepInterval.multipliedBy(4);
        return new StoreGaps(gap.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : gap,
                Duration.ofSeconds(5));
    }
}

package io.wildcloud.ws.engine.redis;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each node checks about the cluster every {@link #PERIOD}, one step after the other: whether
 * Redis lost its data ({@link StoreEpoch}), this node's heartbeat on the roster, and whether
 * another node died ({@link NodeRoster#scan}). A round that fails (Redis away) is tried again next
 * period; the sweep reports the outage to the health check.
 */
final class ClusterWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    /** Bounds how long a restarted-empty Redis or a dead node goes unnoticed (see the README). */
    static final Duration PERIOD = Duration.ofSeconds(1);

    private final StoreEpoch epoch;
    private final NodeRoster roster;
    private final ScheduledExecutorService timer;
    private volatile boolean stopped;

    ClusterWatch(StoreEpoch epoch, NodeRoster roster, ScheduledExecutorService timer) {
        this.epoch = epoch;
        this.roster = roster;
        this.timer = timer;
    }

    void start() {
        schedule();
    }

    void stop() {
        stopped = true;
    }

    /** Heartbeats and scans again after {@link #stop} (tests: a process whose heartbeats paused). */
    void resume() {
        stopped = false;
        schedule();
    }

    private void schedule() {
        if (!stopped && !timer.isShutdown()) {
            timer.schedule(this::round, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void round() {
        if (stopped) {
            return;
        }
        epoch.verify()
                .thenCompose(verified -> roster.heartbeat())
                .thenCompose(listed -> roster.scan())
                .whenComplete((done, error) -> {
                    if (error != null) {
                        LOG.debug("cluster watch round failed, next in {}: {}", PERIOD, error.toString());
                    }
                    schedule();
                });
    }
}

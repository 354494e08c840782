package io.wildcloud.ws.faults;

import java.time.Duration;

/**
 * The faults the suite and the soak inject, each by a signal to a PID, each repaired before it
 * returns: a node killed (SIGKILL) and restarted after the takeover bound, a node drained (SIGTERM)
 * and restarted, Redis stalled (SIGSTOP, then SIGCONT), a node drained within such a stall, Redis
 * killed (SIGKILL) and restarted with its AOF or empty. Redis faults measure how long the nodes took
 * to turn unready and ready again.
 */
public enum Fault {

    NODE_KILL {
        @Override
        public FaultRecord inject(FaultRig rig, int node, Duration stall, Duration at) {
            long start = System.nanoTime();
            NodeServer target = rig.node(node);
            target.sigkill();
            target.awaitExit(Duration.ofSeconds(10));
            // Dead past the moment the other nodes take its sessions over (about 3 s).
            Processes.pause(DEAD_NODE_TAKEOVER.toMillis());
            long repair = System.nanoTime();
            target.restart();
            return record(this, target.name(), at, null, Duration.ofNanos(System.nanoTime() - repair), start);
        }
    },
    NODE_SIGTERM {
        @Override
        public FaultRecord inject(FaultRig rig, int node, Duration stall, Duration at) {
            long start = System.nanoTime();
            NodeServer target = rig.node(node);
            target.sigterm();
            target.awaitExit(Duration.ofSeconds(60));
            long repair = System.nanoTime();
            target.restart();
            return record(this, target.name(), at, null, Duration.ofNanos(System.nanoTime() - repair), start);
        }
    },
    REDIS_STALL {
        @Override
        public FaultRecord inject(FaultRig rig, int node, Duration stall, Duration at) {
            long start = System.nanoTime();
            RedisServer redis = rig.redis();
            redis.stall();
            Duration red;
            try {
                red = rig.awaitReadiness(status -> status == 503, stall);
                long left = stall.toNanos() - (System.nanoTime() - start);
                if (left > 0) {
                    Processes.pause(left / 1_000_000);
                }
            } finally {
                redis.resume();
            }
            return record(this, "redis", at, red, rig.awaitReadiness(status -> status == 200, RECOVERY), start);
        }
    },
    /**
     * A node drained (SIGTERM) one second into a Redis stall: its sessions' releases and its clients'
     * moves to the other nodes all wait for the store, and the drain must not lose what they carry.
     */
    NODE_SIGTERM_IN_REDIS_STALL {
        @Override
        public FaultRecord inject(FaultRig rig, int node, Duration stall, Duration at) {
            long start = System.nanoTime();
            RedisServer redis = rig.redis();
            NodeServer target = rig.node(node);
            redis.stall();
            try {
                Processes.pause(1_000);
                target.sigterm();
                long left = stall.toNanos() - (System.nanoTime() - start);
                if (left > 0) {
                    Processes.pause(left / 1_000_000);
                }
            } finally {
                redis.resume();
            }
            target.awaitExit(Duration.ofSeconds(60));
            long repair = System.nanoTime();
            target.restart();
            return record(this, target.name(), at, null, Duration.ofNanos(System.nanoTime() - repair), start);
        }
    },
    REDIS_RESTART_AOF {
        @Override
        public FaultRecord inject(FaultRig rig, int node, Duration stall, Duration at) {
            return restartRedis(this, rig, true, at);
        }
    },
    REDIS_RESTART_EMPTY {
        @Override
        public FaultRecord inject(FaultRig rig, int node, Duration stall, Duration at) {
            return restartRedis(this, rig, false, at);
        }
    };

    /** The README's bound for the takeover of a dead node's sessions, with room for a loaded machine. */
    static final Duration DEAD_NODE_TAKEOVER = Duration.ofSeconds(4);
    static final Duration RECOVERY = Duration.ofSeconds(60);

    /**
     * Breaks something and repairs it.
     *
     * @param node the node a node fault hits, from 1
     * @param stall how long a stall lasts
     * @param at when the fault begins, since the load started (for the record)
     */
    public abstract FaultRecord inject(FaultRig rig, int node, Duration stall, Duration at);

    /** {@code node-kill} and the like. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static FaultRecord restartRedis(Fault fault, FaultRig rig, boolean keepData, Duration at) {
        long start = System.nanoTime();
        RedisServer redis = rig.redis();
        redis.kill();
        Duration red = rig.awaitReadiness(status -> status == 503, Duration.ofSeconds(10));
        if (!keepData) {
            redis.deleteData();
        }
        long repair = System.nanoTime();
        redis.restart();
        Duration green = rig.awaitReadiness(status -> status == 200, RECOVERY);
        Duration sinceRepair = green == null ? null : Duration.ofNanos(System.nanoTime() - repair);
        return record(fault, "redis", at, red, sinceRepair, start);
    }

    private static FaultRecord record(Fault fault, String target, Duration at, Duration red, Duration green, long start) {
        return new FaultRecord(fault.label(), target, at, red, green, Duration.ofNanos(System.nanoTime() - start));
    }
}

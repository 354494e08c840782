package io.wildcloud.ws.node;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * When the warm-up has done its work: the process's CPU per warm-up session, batch by batch, stops
 * falling once the JIT has compiled what the sessions run (its compiler threads count in the
 * process's CPU). A count alone ran 3,000 sessions whatever the machine: at load 12-18 that took the
 * whole 30 s bound, where the cost had long been flat (BENCHMARKS.md, "warm-up until flat").
 * Process CPU, not wall time: other processes on a loaded machine stretch the wall time of a batch,
 * not its CPU.
 */
final class WarmupCostCurve {

    /** Sessions a batch: enough that four clients' interleaving and a GC pause average out. */
    static final int BATCH = 250;
    /** Never flat before this many batches: the first ones run interpreted and load classes. */
    static final int MIN_BATCHES = 3;
    /** A batch at least this much cheaper than the best before it is still falling. */
    static final double STILL_FALLING = 0.90;
    /** Batches in a row that must each fail to fall: a C2 wave can pause the fall for one. */
    static final int FLAT_BATCHES = 2;

    private final LongSupplier cpuNanos;
    private final List<Long> nanosPerSession = new ArrayList<>();
    private long batchStartCpu;
    private int doneInBatch;
    private long best = Long.MAX_VALUE;
    private int notFallingInARow;
    private volatile boolean flat;

    /** @param cpuNanos the process's CPU so far, or -1 when it cannot be read (then never flat) */
    WarmupCostCurve(LongSupplier cpuNanos) {
        this.cpuNanos = cpuNanos;
        this.batchStartCpu = cpuNanos.getAsLong();
    }

    /** Over this process's CPU time. */
    static WarmupCostCurve ofThisProcess() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean unix) {
            return new WarmupCostCurve(unix::getProcessCpuTime);
        }
        return new WarmupCostCurve(() -> -1);
    }

    /** One warm-up session done; returns whether the cost has now flattened. */
    synchronized boolean sessionDone() {
        if (++doneInBatch < BATCH || batchStartCpu < 0) {
            return flat;
        }
        long now = cpuNanos.getAsLong();
        long cost = (now - batchStartCpu) / BATCH;
        nanosPerSession.add(cost);
        batchStartCpu = now;
        doneInBatch = 0;
        notFallingInARow = cost > best * STILL_FALLING ? notFallingInARow + 1 : 0;
        best = Math.min(best, cost);
        if (nanosPerSession.size() >= MIN_BATCHES && notFallingInARow >= FLAT_BATCHES) {
            flat = true;
        }
        return flat;
    }

    boolean flat() {
        return flat;
    }

    /** The process's CPU per session of each batch, in microseconds, for the log line. */
    synchronized List<Long> microsPerSession() {
        return nanosPerSession.stream().map(nanos -> nanos / 1_000).toList();
    }
}

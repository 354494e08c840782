package io.wildcloud.ws.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wildcloud.ws.faults.FaultRig;
import io.wildcloud.ws.faults.FaultedLoad;
import io.wildcloud.ws.faults.Haproxy;
import io.wildcloud.ws.it.node.NodeProcess;
import io.wildcloud.ws.loadgen.DeliveryTracker;
import io.wildcloud.ws.loadgen.LoadResult;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What the load-under-faults tests share: the tools they need (redis-server, HAProxy: skipped
 * without them, failed under {@code CI=true}), the rig's settings, and the checks on a load result.
 */
final class LoadFaults {

    /** The README's bound: a Redis that stops answering makes every node unready within 2 s. */
    static final Duration UNREADY_BOUND = Duration.ofSeconds(2);
    /** Below the 60 s hold TTL, above Redisson's 9 s retry window: publishes meet {@code store_timeout}. */
    static final Duration STALL = Duration.ofSeconds(10);
    /** Why the tests that restart Redis with its AOF under load are disabled. */
    private static final boolean CI = "true".equals(System.getenv("CI"));

    private LoadFaults() {
    }

    /** Skips the test without redis-server or HAProxy, or fails it under CI=true. */
    static void requireTools() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(RedisServerProcess.REDIS_SERVER))) {
            missing.add(RedisServerProcess.REDIS_SERVER);
        }
        if (!Files.isExecutable(Path.of(Haproxy.DEFAULT_EXECUTABLE))) {
            missing.add(Haproxy.DEFAULT_EXECUTABLE);
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the load fault tests need " + missing + " (Debian: apt-get install redis-server haproxy)";
        if (CI) {
            fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message);
    }

    /** Nodes with paranoid leak detection (the rig checks their logs), one event loop each. */
    static FaultRig.Settings settings(String label, int nodes) {
        Path workDir = Path.of("target", "load-faults", label + "-" + System.currentTimeMillis()).toAbsolutePath();
        return new FaultRig.Settings(nodes, NodeProcess.nodeJar(), workDir, RedisServerProcess.REDIS_SERVER,
                Haproxy.DEFAULT_EXECUTABLE, List.of("-Xmx256m", "-Dio.netty.leakDetection.level=paranoid"),
                // No start-up warm-up: under paranoid leak detection it would stretch every restart the faults make.
                List.of("--io-threads=1", "--drain-timeout=5s", "--warmup-connects=0"));
    }

    /**
     * What the service promises whatever the fault: no message lost in a session that stayed open,
     * none repeated, none out of order, every session opened, every fault step done.
     */
    static void assertExactlyOnce(FaultedLoad.Result result) {
        LoadResult load = result.load();
        String report = load.toText() + "\nfaults: " + result.faults() + "\n" + result.lossReport();
        assertNull(result.failure(), () -> "a fault step failed: " + result.failure() + "\n" + report);
        assertEquals(0, load.sessionsFailed(), report);
        assertEquals(0, load.lostInOpenSessions(), () -> "lost in sessions that stayed open\n" + report);
        assertEquals(0, load.warmupLost(), report);
        assertEquals(0, load.duplicated(), () -> "repeated\n" + report);
        assertEquals(0, load.reordered(), () -> "out of order\n" + report);
        assertTrue(load.delivered() > 0, report);
    }

    /** Polling and streaming sessions lived through the fault: none was closed and reopened. */
    static void assertXhrSessionsStayedOpen(FaultedLoad.Result result) {
        for (String transport : List.of("xhr-polling", "xhr-streaming")) {
            DeliveryTracker.TransportFigures figures = result.load().transports().get(transport);
            assertNotNull(figures, transport + " in " + result.load().transports());
            assertEquals(0, figures.reopened(), () -> transport + " sessions closed by the fault\n"
                    + result.load().toText() + "\nfaults: " + result.faults());
        }
    }

    /**
     * No poll or stream was answered with anything but 200 (or not at all): the load generator
     * sends a failed one again, but sockjs-client closes its session at the first (its xhr
     * receiver ends "permanent" on any other status), so only then do real browsers' sessions
     * stay open too. A stall makes requests wait, never fail.
     */
    static void assertNoPollOrStreamFailed(FaultedLoad.Result result) {
        for (String transport : List.of("xhr-polling", "xhr-streaming")) {
            DeliveryTracker.TransportFigures figures = result.load().transports().get(transport);
            assertNotNull(figures, transport + " in " + result.load().transports());
            assertEquals(0, figures.failedRequests(), () -> transport + " requests failed: sockjs-client would have"
                    + " closed those sessions\n" + result.load().toText() + "\nfaults: " + result.faults());
        }
    }

    /** Every node turned unready within the bound, and ready again. */
    static void assertHealthTruthful(io.wildcloud.ws.faults.FaultRecord record) {
        assertNotNull(record.red(), () -> "no node went unready: " + record);
        assertTrue(record.red().compareTo(UNREADY_BOUND) <= 0, () -> "unready later than "
                + UNREADY_BOUND.toMillis() + " ms: " + record);
        assertNotNull(record.green(), () -> "not ready again: " + record);
    }
}

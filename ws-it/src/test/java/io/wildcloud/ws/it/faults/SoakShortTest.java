package io.wildcloud.ws.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.faults.FaultRecord;
import io.wildcloud.ws.faults.Soak;
import io.wildcloud.ws.it.node.NodeProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak's short form for CI: 80 s of mixed-transport load through HAProxy on three nodes, a fault
 * every 20 s (node SIGKILL and restart, node SIGTERM and restart, Redis stalled 8 s, Redis killed and
 * restarted with its AOF). Nothing lost in a session that stayed open, nothing repeated, no leak
 * report, and every Redis fault seen by every node within 2 s and repaired.
 */
class SoakShortTest {

    @Test
    void aFaultEveryTwentySeconds() throws Exception {
        LoadFaults.requireTools();
        Soak.Options options = Soak.Options.parse(new String[] {"--duration=80s", "--fault-every=20s", "--stall=8s",
            "--sessions=40", "--rate=40", "--node-jar=" + NodeProcess.nodeJar(),
            "--node-jvm-args=-Xmx256m -Dio.netty.leakDetection.level=paranoid",
            "--work-dir=target/load-faults/soak-" + System.currentTimeMillis()});
        Soak.Outcome outcome = Soak.run(options, System.err);
        List<FaultRecord> faults = outcome.result().faults();
        System.out.printf("SoakShortTest: %s%n%s%n%s", faults, outcome.result().load().toText(),
                outcome.result().lossReport());
        assertEquals(List.of("node-kill", "node-sigterm", "redis-stall", "redis-restart-aof"),
                faults.stream().map(FaultRecord::fault).toList());
        LoadFaults.assertExactlyOnce(outcome.result());
        assertEquals(List.of(), outcome.leakingNodes(), "nodes with buffer leak reports");
        for (FaultRecord fault : faults.subList(2, 4)) {
            LoadFaults.assertHealthTruthful(fault);
        }
        assertTrue(outcome.passed(), outcome.toString());
        assertTrue(faults.stream().allMatch(f -> f.lasted().compareTo(Duration.ofSeconds(20)) < 0), faults::toString);
    }
}

package io.wildcloud.ws.it.faults;

import static io.wildcloud.ws.it.faults.LoadFaults.STALL;
import static io.wildcloud.ws.it.faults.LoadFaults.assertExactlyOnce;
import static io.wildcloud.ws.it.faults.LoadFaults.assertHealthTruthful;
import static io.wildcloud.ws.it.faults.LoadFaults.assertNoPollOrStreamFailed;
import static io.wildcloud.ws.it.faults.LoadFaults.assertXhrSessionsStayedOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.faults.FaultRecord;
import io.wildcloud.ws.faults.FaultRig;
import io.wildcloud.ws.faults.FaultedLoad;
import io.wildcloud.ws.faults.NodeServer;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The stall case on a Redis Cluster of three masters: one master stopped (SIGSTOP) for less than
 * the hold TTL under the load generator's mixed transports through HAProxy, two nodes. Nothing lost
 * in a session that stayed open, nothing repeated; polling and streaming sessions stay open, and none
 * of their requests failed (sockjs-client would close the session); every
 * node unready within 2 s and ready again after SIGCONT.
 */
class RedisClusterStallUnderLoadTest {

    @Test
    void oneMasterStalledForLessThanTheHoldTtl() throws Exception {
        LoadFaults.requireTools();
        try (RedisClusterProcesses redis = RedisClusterProcesses.start()) {
            String url = "redis-cluster://" + redis.nodeUrls().stream().map(u -> u.substring("redis://".length()))
                    .collect(Collectors.joining(","));
            try (FaultRig rig = FaultRig.startOn(url, LoadFaults.settings("cluster-stall", 2))) {
                RedisServerProcess master = redis.masters().get(0);
                FaultedLoad.Result result = FaultedLoad.run(rig.loadOptions("--sessions=30", "--rate=30",
                        "--duration=20s", "--grace=8s", "--api-connections=4", "--concurrency=30"), System.err,
                        List.of(new FaultedLoad.Planned(Duration.ofSeconds(3), at -> {
                            long start = System.nanoTime();
                            master.suspend();
                            Duration red;
                            try {
                                red = rig.awaitReadiness(status -> status == 503, STALL);
                                long left = STALL.toNanos() - (System.nanoTime() - start);
                                Thread.sleep(Math.max(0, left / 1_000_000));
                            } finally {
                                master.resume();
                            }
                            long resumed = System.nanoTime();
                            Duration green = rig.awaitReadiness(status -> status == 200, Duration.ofSeconds(60));
                            return new FaultRecord("cluster-master-stall", "master " + master.port(), at, red,
                                    green == null ? null : Duration.ofNanos(System.nanoTime() - resumed),
                                    Duration.ofNanos(System.nanoTime() - start));
                        })));
                System.out.printf("RedisClusterStallUnderLoadTest: %s; publish errors %s%n%s%n", result.faults(),
                        result.load().publishErrorsByStatus(), result.load().toText());
                assertHealthTruthful(result.faults().get(0));
                assertExactlyOnce(result);
                assertXhrSessionsStayedOpen(result);
                assertNoPollOrStreamFailed(result);
                assertEquals(List.of(), rig.nodes().stream().filter(NodeServer::reportedLeaks).map(NodeServer::name)
                        .toList(), "nodes with buffer leak reports");
            }
        }
    }
}

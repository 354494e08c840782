package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a Redis Cluster, Redisson fails a pipeline batch at the first master's refusal and fails the
 * calls the other masters have not answered yet with it, though those masters run them. The
 * pipeline sends such calls again alone ({@code ScriptPipeline.askEach}) only when a second run
 * changes nothing: a count (request_ids.lua here, socket_quota.lua alike) run twice counted twice,
 * and a revoke or a client's release run twice answered "gone" in place of what the first removed.
 */
class ClusterBatchRefusalRepeatTest {

    private static final int COUNTED = 7;

    @Test
    void aCountAnotherMasterRanInABatchOneMasterRefusedIsCountedOnce() throws Exception {
        String prefix = RedisTestServer.newKeyPrefix("refusal");
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            String url = "redis-cluster://" + String.join(",", cluster.nodeUrls()).replace("redis://", "");
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(url, prefix)
                    .withTimeouts(Duration.ofSeconds(5), 1, Duration.ofSeconds(5));
            RedisKeys keys = new RedisKeys(prefix);
            List<RedisServerProcess> masters = cluster.masters();
            try (RedisEngine engine = RedisEngine.start(config, "n1", Duration.ofHours(1))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS)) {
                // One application whose count lives on each master.
                Map<Integer, String> onMaster = new HashMap<>();
                for (int i = 0; onMaster.size() < masters.size(); i++) {
                    assertTrue(i < 300, "applications spread over the masters");
                    String application = "app-" + i;
                    engine.countRequestIds(application, 1, 1000).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    for (int m = 0; m < masters.size(); m++) {
                        if (counted(masters.get(m), keys, application) > 0) {
                            onMaster.putIfAbsent(m, application);
                        }
                    }
                }
                RedisServerProcess refusing = masters.get(0);
                RedisServerProcess slow = masters.get(1);
                RedisServerProcess first = masters.get(2);
                String refused = onMaster.get(0);
                String counting = onMaster.get(1);

                refusing.command("CONFIG", "SET", "maxmemory", "1");
                try {
                    // The first call goes alone and waits while the next two queue: they go as one batch,
                    // whose part on the slow master is answered after the refusing master's OOM.
                    first.command("CLIENT", "PAUSE", "500", "ALL");
                    slow.command("CLIENT", "PAUSE", "1500", "WRITE");
                    CompletableFuture<?> alone = engine.countRequestIds(onMaster.get(2), 1, 1000).toCompletableFuture();
                    CompletableFuture<?> refusal = engine.countRequestIds(refused, 1, 1000).toCompletableFuture();
                    CompletableFuture<?> count = engine.countRequestIds(counting, COUNTED, 1000).toCompletableFuture();
                    CompletableFuture.allOf(alone, refusal, count).handle((done, error) -> null).get(20, TimeUnit.SECONDS);
                    assertTrue(refusal.isCompletedExceptionally(), "the full master refused its count");
                    // Whatever the count's caller heard, the slow master ran the batch's call once.
                    Waits.await(() -> counted(slow, keys, counting) >= 1 + COUNTED, "the batch's count ran",
                            Duration.ofSeconds(10));
                    assertEquals(1 + COUNTED, counted(slow, keys, counting),
                            "ids counted for " + counting + " (1 before the batch, " + COUNTED + " in it)");
                } finally {
                    refusing.command("CONFIG", "SET", "maxmemory", "0");
                }
            }
        }
    }

    /** {@code application}'s ids counted on {@code master} in the windows about now. */
    private static long counted(RedisServerProcess master, RedisKeys keys, String application) {
        long window = RequestIdCount.windowAt(System.currentTimeMillis());
        long sum = 0;
        for (long w = window - 1; w <= window + 1; w++) {
            String value = master.command("GET", keys.requestIds(application, w));
            if (value != null && value.matches("\\d+")) {
                sum += Long.parseLong(value);
            }
        }
        return sum;
    }
}

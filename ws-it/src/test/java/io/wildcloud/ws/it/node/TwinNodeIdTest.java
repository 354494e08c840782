package io.wildcloud.ws.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.testing.RedisServerProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two node processes given one node id, the older frozen (SIGSTOP: a long pause, a suspended VM)
 * while the newer starts: the newer's start check hears no heartbeat and takes it for a dead
 * predecessor. Once the older goes on it must not serve beside the newer under one id, each
 * writing over the other's state in Redis: it stops, exit status 1, and says why.
 */
class TwinNodeIdTest {

    @Test
    void theOlderProcessStopsWhenItWakesBesideANewerOneUnderItsId() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String[] twin = {"--node-id=twin", "--redis-url=" + redis.url(), "--redis-key-prefix=twin-node-id:"};
            try (NodeProcess older = NodeProcess.start("twin-older", twin)) {
                older.freeze();
                try (NodeProcess newer = NodeProcess.start("twin-newer", twin)) {
                    older.thaw();
                    assertEquals(1, older.awaitExit(Duration.ofSeconds(30)), older.logTail());
                    assertTrue(older.logTail().contains("node id twin is in use by a newer process"), older.logTail());
                    newer.awaitHealthy(Duration.ofSeconds(5));
                    assertTrue(newer.isAlive());
                }
            }
        }
    }
}

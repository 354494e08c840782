package io.wildcloud.ws.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RedisLauncherTest {

    @Test
    void processAnswersPingOnItsOwnPortAndStopsByPid() throws Exception {
        RedisServerProcess server = RedisServerProcess.start();
        try {
            assertNotEquals(FreePorts.FORBIDDEN_REDIS_PORT, server.port());
            assertEquals("PONG", RedisProbe.command(server.host(), server.port(), "PING"));
            assertEquals("OK", RedisProbe.command(server.host(), server.port(), "SET", "k", "v"));
        } finally {
            server.close();
        }
        assertFalse(server.isAlive());
        assertFalse(RedisProbe.answersPing(server.host(), server.port()));
    }

    @Test
    void sharedServerIsNeverTheMachineRedis() {
        URI uri = URI.create(RedisTestServer.shared().url());
        assertNotEquals(FreePorts.FORBIDDEN_REDIS_PORT, uri.getPort());
        assertTrue(RedisProbe.answersPing(uri.getHost(), uri.getPort()));
    }

    @Test
    void keyPrefixesDiffer() {
        assertNotEquals(RedisTestServer.newKeyPrefix("a"), RedisTestServer.newKeyPrefix("a"));
    }

    @Test
    void clusterOfThreeMastersReportsOk() throws Exception {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            assertEquals(3, cluster.masters().size());
            String info = RedisProbe.command("127.0.0.1", cluster.masters().get(0).port(), "CLUSTER", "INFO");
            assertTrue(info.contains("cluster_known_nodes:3"), info);
            assertTrue(info.contains("cluster_slots_assigned:16384"), info);
        }
    }
}

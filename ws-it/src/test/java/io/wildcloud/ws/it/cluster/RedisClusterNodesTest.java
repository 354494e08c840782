package io.wildcloud.ws.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nodes on a real Redis Cluster (three masters from redis-server processes, created with
 * {@code redis-cli --cluster create}): sessions whose keys land in different slots, served across
 * nodes, with wake-ups through sharded pub/sub.
 */
class RedisClusterNodesTest {

    private static final String PRELUDE = "h".repeat(2048) + "\n";
    private static RedisClusterProcesses redisCluster;
    private static InProcessCluster nodes;
    private final Http http = new Http(Duration.ofSeconds(3));

    @BeforeAll
    static void start() throws InterruptedException {
        redisCluster = RedisClusterProcesses.start();
        String seeds = redisCluster.nodeUrls().stream()
                .map(url -> url.substring("redis://".length()))
                .collect(Collectors.joining(","));
        nodes = InProcessCluster.startOn("redis-cluster://" + seeds, 3, NodeConfig.Mode.PROTOCOL_TEST, Map.of());
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
        if (redisCluster != null) {
            redisCluster.close();
        }
    }

    private String url(int node, String session, String transport) {
        return nodes.publicUrl(node % 3) + "/echo/000/" + session + "/" + transport;
    }

    @Test
    void manySessionsRotateOverNodesWhateverTheirSlot() {
        // Twenty sessions spread their hash tags over the three masters' slots.
        for (int s = 0; s < 20; s++) {
            String session = UUID.randomUUID().toString();
            assertEquals("o\n", http.post(url(s, session, "xhr")).bodyText());
            RawResponse send = http.post(url(s + 1, session, "xhr_send"), "[\"m" + s + "\"]");
            assertEquals(204, send.status(), send::toString);
            assertEquals("a[\"m" + s + "\"]\n", http.post(url(s + 2, session, "xhr")).bodyText());
        }
    }

    @Test
    void streamOnOneNodeIsWokenBySendsThroughTheOthers() {
        for (int s = 0; s < 5; s++) {
            String session = UUID.randomUUID().toString();
            try (Http.Stream stream = http.open("POST", url(s, session, "xhr_streaming"))) {
                assertEquals(PRELUDE, stream.nextChunk());
                assertEquals("o\n", stream.nextChunk());
                for (int i = 1; i <= 2; i++) {
                    assertEquals(204, http.post(url(s + i, session, "xhr_send"), "[\"w" + i + "\"]").status());
                    assertEquals("a[\"w" + i + "\"]\n", stream.nextChunk());
                }
            }
        }
    }
}

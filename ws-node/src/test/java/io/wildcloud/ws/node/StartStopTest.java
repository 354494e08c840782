package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stop asked for while a node starts (what its SIGTERM hook does): the start ends within
 * moments, closes what it built (the Redis engine's connections and subscriptions) and binds no
 * port. {@code it.node.SigtermDuringStartTest} (ws-it) sends the real signal to a node process.
 */
class StartStopTest {

    private static final String NODE = "stopped-start";
    private static final String PREFIX = "stopstart:";

    @Test
    void aStopDuringTheWarmUpEndsTheStartAndClosesTheRedisEngine() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            StopRequest stop = new StopRequest();
            CompletableFuture<WsNode> start = CompletableFuture.supplyAsync(() -> {
                try {
                    return WsNode.start(config(redis), stop);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                Waits.await(() -> stop.waitingSteps().equals(java.util.Set.of("warm-up")) || start.isDone(),
                        "the warm-up running", Duration.ofSeconds(60));
                assertFalse(start.isDone(), "100000 warm-up connects cannot be over yet");
                assertEquals(java.util.List.of(PREFIX + "node:{" + NODE + "}", PREFIX + "wake:{" + NODE + "}"),
                        channels(redis), "the node's presence and wake-up channels while it starts");

                long asked = System.nanoTime();
                stop.stop(Duration.ofSeconds(10));
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);

                // The stop returns once the start has ended (its future completes a moment later).
                ExecutionException ended = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> start.get(2, TimeUnit.SECONDS));
                assertInstanceOf(StopRequest.StartStopped.class, ended.getCause());
                assertTrue(tookMillis < 8_000, "the stopped start took " + tookMillis + " ms to close");
                // Closed as on a normal close: presence and wake-up channels left, Redisson's connections gone.
                Waits.await(() -> channels(redis).isEmpty(),
                        () -> "channels still subscribed after the stop: " + channels(redis), Duration.ofSeconds(10));
                Waits.await(() -> !clients(redis).contains("name=ws-node-" + NODE),
                        () -> "the node's Redis connections still open: " + clients(redis), Duration.ofSeconds(10));
            } finally {
                start.thenAccept(WsNode::close); // only if the start wrongly went on to bind
            }
        }
    }

    @Test
    void aStopAfterTheStartDrainsTheNode() throws Exception {
        StopRequest stop = new StopRequest();
        WsNode node = WsNode.start(NodeConfig.builder().bindHost("127.0.0.1").publicPort(0).apiPort(0).build(), stop);
        int port = node.publicPort();
        assertTrue(accepts(port), "the started node serves");
        stop.stop(Duration.ofSeconds(10));
        assertFalse(accepts(port), "the stop drained and closed the started node");
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static NodeConfig config(RedisServerProcess redis) {
        return NodeConfig.from(Settings.load(new String[] {"--node-id=" + NODE, "--bind-host=127.0.0.1",
                "--public-port=0", "--api-port=0", "--applications=app:stop-start-test-secret-0123456789",
                "--redis-url=" + redis.url(), "--redis-key-prefix=" + PREFIX, "--warmup-connects=100000"}, Map.of()));
    }

    /** The node's channels that have a subscriber, sorted. */
    private static java.util.List<String> channels(RedisServerProcess redis) {
        try {
            return RedisProbe.commandList(redis.host(), redis.port(), "PUBSUB", "CHANNELS", PREFIX + "*").stream()
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String clients(RedisServerProcess redis) {
        return command(redis, "CLIENT", "LIST");
    }

    private static String command(RedisServerProcess redis, String... args) {
        try {
            return RedisProbe.command(redis.host(), redis.port(), args);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

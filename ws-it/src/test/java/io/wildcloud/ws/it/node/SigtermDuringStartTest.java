package io.wildcloud.ws.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node told to stop (SIGTERM) while it starts, here in its warm-up on Redis (a rollout giving
 * up on a slow start): the process stops the start, closes what it built and exits within
 * seconds, its presence leaves Redis, and its ports are never bound.
 */
class SigtermDuringStartTest {

    private static final String NODE = "sigterm-start";
    private static final String PREFIX = "sigstart:";
    private static final String WARM_UP_STARTED = "warm-up of 100000 connects before the ports bind";

    @Test
    void sigtermInTheWarmUpStopsTheStartClosesTheEngineAndBindsNoPort() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
             NodeProcess node = NodeProcess.launch(NODE, List.of("-Xmx256m"), "--redis-url=" + redis.url(),
                     "--redis-key-prefix=" + PREFIX, "--applications=app:sigterm-start-test-secret-0123456789",
                     // Passed explicitly (surefire's environment sets 0): far more than its time limit can do.
                     "--warmup-connects=100000")) {
            Waits.await(() -> !node.isAlive() || log(node).contains(WARM_UP_STARTED), "the warm-up started",
                    Duration.ofSeconds(60));
            assertTrue(node.isAlive(), node::logTail);
            assertEquals(List.of(PREFIX + "node:{" + NODE + "}", PREFIX + "wake:{" + NODE + "}"),
                    presenceChannels(redis).stream().sorted().toList(), "the node's channels while it starts");
            assertFalse(log(node).contains(" serving "), "still starting: " + node.logTail());
            assertNotBound(node, "before the SIGTERM");

            long signalled = System.nanoTime();
            node.sigterm();
            while (node.isAlive() && System.nanoTime() - signalled < Duration.ofSeconds(20).toNanos()) {
                assertNotBound(node, "after the SIGTERM");
                Thread.sleep(20);
            }
            int exit = node.awaitExit(Duration.ofSeconds(1));
            long tookMillis = (System.nanoTime() - signalled) / 1_000_000;

            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            assertTrue(tookMillis < 10_000, "exited " + tookMillis + " ms after the SIGTERM");
            assertEquals(List.of(), presenceChannels(redis), "the node's channels after it exited");
            String log = log(node);
            assertFalse(log.contains(" serving "), "a node stopped during its start must not serve:\n" + node.logTail());
            // What only an orderly stop does: the start ended, and what it built was closed.
            assertTrue(log.contains("start stopped (before binding the ports) by SIGTERM"), node::logTail);
            node.assertNoLeakReports();
        }
    }

    private static void assertNotBound(NodeProcess node, String when) {
        for (int port : new int[] {node.publicPort(), node.apiPort()}) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                throw new AssertionError("port " + port + " accepted a connection " + when + ":\n" + node.logTail());
            } catch (IOException refused) {
                // as it must be
            }
        }
    }

    /** The node's channels with a subscriber: its presence and its wake-ups while its engine runs. */
    private static List<String> presenceChannels(RedisServerProcess redis) {
        try {
            return RedisProbe.commandList(redis.host(), redis.port(), "PUBSUB", "CHANNELS", PREFIX + "*");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String log(NodeProcess node) {
        try {
            return Files.readString(node.log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

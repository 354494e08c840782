package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisTimeoutException;

/**
 * The health check's stall measure ({@link StoreWatch} with a {@link WireWatch}) tells a busy node
 * from a Redis that does not answer. On a busy node (load 18 on two cores) a command handed to
 * Redisson can wait for a connection, its batch or CPU before it is written, longer than the stall
 * threshold, while Redis answers everything written to it; Redisson may even give such a command up
 * ("hasn't been written into connection"). Before, either turned {@code /health} 503 and a
 * balancer took a healthy node out. A command Redis leaves unanswered on the wire (SIGSTOP) is
 * still reported once it has waited the threshold.
 */
class StoreWatchOnTheWireTest {

    private static final long THRESHOLD_NANOS = StoreWatch.STALL_THRESHOLD.toNanos();

    @Test
    void aCommandHeldBeforeTheWireWhileRedisAnswersIsNoStall() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        WireWatch wire = new WireWatch(clock::get);
        StoreWatch watch = new StoreWatch(clock::get, wire);
        EmbeddedChannel connection = new EmbeddedChannel();
        wire.afterChannelInitialization(connection);

        long held = watch.started(); // handed over, not written yet
        for (int step = 0; step < 18; step++) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
            // Other commands go out on the connection and Redis answers them.
            assertTrue(connection.writeOutbound(Unpooled.copiedBuffer("*1\r\n$4\r\nPING\r\n", StandardCharsets.US_ASCII)));
            connection.writeInbound(Unpooled.copiedBuffer("+PONG\r\n", StandardCharsets.US_ASCII));
            assertNull(watch.problem(), "after " + (step + 1) * 100 + " ms: a command not yet written counted as Redis"
                    + " not answering");
        }
        assertTrue(watch.oldestHandedOverNanos() > THRESHOLD_NANOS);
        // Redisson gives it up unwritten: still no word from Redis either way.
        watch.ended(held, new RedisTimeoutException("Command still hasn't been written into connection! Check CPU"
                + " usage of the JVM."));
        assertNull(watch.problem());
        assertTrue(watch.answering());

        // Written, and Redis says nothing: a stall once it has waited the threshold.
        connection.writeOutbound(Unpooled.copiedBuffer("*1\r\n$4\r\nPING\r\n", StandardCharsets.US_ASCII));
        clock.addAndGet(THRESHOLD_NANOS - 1);
        assertNull(watch.problem());
        clock.addAndGet(1);
        assertTrue(watch.problem().startsWith("Redis does not answer: a command has waited 1500 ms"), watch.problem());
        connection.writeInbound(Unpooled.copiedBuffer("+PONG\r\n", StandardCharsets.US_ASCII));
        assertNull(watch.problem());
        connection.finishAndReleaseAll();
    }

    @Test
    void aCommandHandedOverWhileNoConnectionReadsAnythingCountsAsAStall() {
        // Redis down: Redisson holds the command for want of a connection; nothing is read anywhere.
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        WireWatch wire = new WireWatch(clock::get);
        StoreWatch watch = new StoreWatch(clock::get, wire);
        watch.started();
        clock.addAndGet(THRESHOLD_NANOS + TimeUnit.MILLISECONDS.toNanos(100));
        assertFalse(watch.answering());
        assertTrue(watch.problem().startsWith("Redis does not answer"), watch.problem());
    }

    @Test
    void aRedisStoppedWithACommandWrittenToItIsReportedAfterTheThreshold() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            WireWatch wire = new WireWatch();
            RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                    .withKeyPrefix(RedisTestServer.newKeyPrefix("wire"));
            RedissonClient redisson = Redisson.create(RedissonClients.configFor(config, "wire", null, null, wire));
            try {
                StoreWatch watch = new StoreWatch(wire);
                CommandGate gate = new CommandGate(() -> !redisson.isShuttingDown(), watch);
                String key = config.keyPrefix() + "probe";
                assertNull(get(gate, redisson, key).get(10, TimeUnit.SECONDS));
                assertNull(watch.problem());

                redis.suspend();
                long stopped = System.nanoTime();
                try {
                    get(gate, redisson, key);
                    Waits.await(() -> watch.problem() != null, "a stall reported", Duration.ofSeconds(10));
                    long red = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
                    String problem = watch.problem();
                    assertTrue(problem.startsWith("Redis does not answer: a command has waited"), problem);
                    // Not before the threshold (less the 100 ms ticks commands handed over are counted in).
                    assertTrue(red >= StoreWatch.STALL_THRESHOLD.toMillis() - 100, "reported after " + red + " ms");
                } finally {
                    redis.resume();
                }
                Waits.await(() -> watch.problem() == null, "answering again", Duration.ofSeconds(15));
                assertEquals(0, watch.unansweredMillis());
            } finally {
                redisson.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }

    private static CompletableFuture<String> get(CommandGate gate, RedissonClient redisson, String key) {
        return gate.<String>handOver(() -> redisson.<String>getBucket(key, HeapStringCodec.INSTANCE).getAsync())
                .toCompletableFuture();
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The health check's stall measure ({@link StoreWatch} with a {@link WireWatch}) tells a busy
 * node from a Redis that does not answer. A busy node: the Redisson connection's event loop is
 * held (as CPU starvation or a burst of work on it holds it at load 18), so a command handed over
 * is not even written for longer than the stall threshold while Redis is idle and answering;
 * before, that wait alone turned {@code /health} 503 ("a command has waited 1,600 ms") and a
 * balancer took a healthy node out. A real stall (SIGSTOP) is still reported once a written
 * command has waited the threshold.
 */
class StoreWatchOnTheWireTest {

    private static final long THRESHOLD_MILLIS = StoreWatch.STALL_THRESHOLD.toMillis();

    @Test
    void aCommandHeldBeforeTheWireIsNoStallButOneRedisLeavesUnansweredIs() throws Exception {
        EventLoopGroup loop = new NioEventLoopGroup(1);
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            WireWatch wire = new WireWatch();
            RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                    .withKeyPrefix(RedisTestServer.newKeyPrefix("wire"));
            Config redissonConfig = RedissonClients.configFor(config, "wire", null, null, wire);
            redissonConfig.setEventLoopGroup(loop);
            RedissonClient redisson = Redisson.create(redissonConfig);
            try {
                StoreWatch watch = new StoreWatch(wire);
                CommandGate gate = new CommandGate(() -> !redisson.isShuttingDown(), watch);
                String key = config.keyPrefix() + "probe";
                assertNull(get(gate, redisson, key).get(10, TimeUnit.SECONDS));
                assertNull(watch.problem());

                // The one event loop busy with other work: the command waits before the wire.
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch held = new CountDownLatch(1);
                loop.execute(() -> {
                    held.countDown();
                    awaitQuietly(release);
                });
                assertTrue(held.await(10, TimeUnit.SECONDS));
                CompletableFuture<String> waiting;
                try {
                    waiting = get(gate, redisson, key);
                    Thread.sleep(THRESHOLD_MILLIS + 300);
                    assertNull(watch.problem(), "a command not yet written counted as Redis not answering");
                } finally {
                    release.countDown();
                }
                assertNull(waiting.get(10, TimeUnit.SECONDS));

                // Redis stopped: a command written to it is reported once it has waited the threshold.
                redis.suspend();
                long stopped = System.nanoTime();
                try {
                    get(gate, redisson, key);
                    Waits.await(() -> watch.problem() != null, "a stall reported", Duration.ofSeconds(10));
                    long red = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
                    String problem = watch.problem();
                    assertTrue(problem.startsWith("Redis does not answer: a command has waited"), problem);
                    assertTrue(red >= THRESHOLD_MILLIS, "reported after " + red + " ms");
                } finally {
                    redis.resume();
                }
                Waits.await(() -> watch.problem() == null, "answering again", Duration.ofSeconds(10));
                assertEquals(0, watch.unansweredMillis());
            } finally {
                redisson.shutdown(0, 2, TimeUnit.SECONDS);
            }
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<String> get(CommandGate gate, RedissonClient redisson, String key) {
        return gate.<String>handOver(() -> redisson.<String>getBucket(key, HeapStringCodec.INSTANCE).getAsync())
                .toCompletableFuture();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.redisson.api.RTopic;
import org.redisson.client.codec.StringCodec;

/**
 * The store's problem (the node's {@code /health}) covers the node's presence subscription: a
 * node that lost it would be taken for dead by the others, so it must leave the balancer.
 */
class RedisPresenceHealthTest {

    @Test
    void losingThePresenceSubscriptionIsAProblemUntilItIsBack() throws Exception {
        String prefix = RedisTestServer.newKeyPrefix("presence");
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(RedisTestServer.shared().url(), prefix);
        AtomicInteger presenceReads = new AtomicInteger();
        BooleanSupplier[] presence = new BooleanSupplier[1];
        RedisMetrics metrics = new RedisMetrics() {
            @Override
            public void subscriptions(IntSupplier scopeChannels, BooleanSupplier presenceUp) {
                presence[0] = presenceUp;
            }
        };
        try (RedisEngine store = TestEngines.connect(config, "p1", metrics).toCompletableFuture()
                .get(15, TimeUnit.SECONDS)) {
            assertNull(store.problem());
            assertTrue(presence[0].getAsBoolean(), "up once subscribed");

            // Drop the node's own subscription behind the store's back (as a lost subscription would be).
            RTopic own = store.redisson().getTopic(new RedisKeys(prefix).nodeChannel("p1"), StringCodec.INSTANCE);
            own.removeAllListeners();
            await(() -> store.problem() != null, "the sweep notices the lost subscription");
            assertTrue(store.problem().startsWith("presence subscription lost"), store.problem());
            assertEquals(false, presence[0].getAsBoolean());

            own.addListener(String.class, (channel, message) -> presenceReads.incrementAndGet());
            await(() -> store.problem() == null, "healthy again once subscribed");
            assertTrue(presence[0].getAsBoolean());
            await(() -> presenceReads.get() > 0, "the check pings the node's own channel");
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }
}

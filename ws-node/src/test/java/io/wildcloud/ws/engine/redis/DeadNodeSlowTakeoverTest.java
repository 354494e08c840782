package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A takeover that lasts longer than the dead node's sessions' keys would live unrenewed (its last
 * hold renewal plus the hold TTL): the taker keeps them alive while it works, so every session
 * the dead node held is heard of as ended exactly once, however long the takeover takes. Made
 * slow by {@value #GONE} more sessions in the dead node's held list whose keys are gone (ended
 * normally before its death: each still costs its expire.lua round trip, and none may be heard
 * of; under the tests' paranoid leak detection their pin and ends take seconds of the client's
 * event loop), and a short hold TTL. Before the fix the held sessions the takeover reached after
 * their keys expired were never heard of: expire.lua finds them gone, as it finds the normal ends.
 *
 * <p>And the bound that remains: a takeover whose first step comes after the keys could have
 * expired (here its first taker died at once and its lease outlived the hold TTL) cannot tell an
 * expired session from one that ended normally; it hears of every such session (at least once),
 * says so in a WARN and counts them.
 */
class DeadNodeSlowTakeoverTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    /**
     * Renewed every 3 s: an unrenewed key lives at least 6 s after the death; the takeover starts
     * within ~3 s and sends its pins before the 5 s it may count on (TakeoverPins.safeUntil).
     */
    private static final Duration HOLD_TTL = Duration.ofSeconds(9);
    private static final int HELD = 40;
    private static final int GONE = 6_000;
    private static final String DYING = "dying";

    @Test
    void everySessionOfADeadNodeIsHeardOfOnceThoughTheTakeoverOutlastsTheirKeys() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("slowtake");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = config(redis, prefix);
            Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
            try (RedisEngine living = join(TestEngines.connect(config, "living"));
                    RedisEngine dying = join(TestEngines.connect(config, DYING))) {
                living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                List<SessionKey> held = claimStreams(dying, HELD);
                join(dying.renewHeld());
                String listed = redis.command("GET", keys.held(DYING));
                assertEquals(HELD, HeldList.decode(listed).size(), "held list");
                long killed = System.nanoTime();
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);
                // The sessions it had ended normally since its last renewal, many of them.
                List<String> members = new ArrayList<>(HeldList.decode(listed));
                for (int i = 0; i < GONE; i++) {
                    members.add(RedisKeys.expiryMember(new SessionKey("echo", "ended" + i)));
                }
                assertEquals("OK", redis.command("SET", keys.held(DYING), HeldList.encode(members), "PX", "600000"));

                Waits.await(() -> !listed(redis, keys), "the dead node is still listed", WAIT);
                long took = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("a dead node's %d held and %d ended sessions taken over %d ms after its death"
                        + " (hold TTL %d ms); %d of the held heard of%n", HELD, GONE, took, HOLD_TTL.toMillis(),
                        held.stream().filter(heard::containsKey).count());
                assertEquals(Set.copyOf(held), Set.copyOf(heard.keySet()), "sessions heard of as ended");
                held.forEach(key -> assertEquals(1, heard.get(key).get(), key + " heard of more than once"));
                for (SessionKey key : held) {
                    assertEquals("0", redis.command("EXISTS", keys.session(key)), key + " still there");
                }
                // On a machine fast enough to end them all within the hold TTL, the case is not made: skipped, not passed.
                assumeTrue(took > HOLD_TTL.toMillis(), "the takeover (" + took + " ms) did not outlast the hold TTL:"
                        + " raise GONE on this machine");
            }
        }
    }

    @Test
    void aTakeoverThatComesAfterTheKeysCouldHaveExpiredHearsOfThemAndSaysSo() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("latetake");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = config(redis, prefix);
            Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
            AtomicLong late = new AtomicLong();
            RedisMetrics counting = new RedisMetrics() {
                @Override
                public void takeoverLate(int sessions) {
                    late.addAndGet(sessions);
                }
            };
            try (RedisEngine living = join(TestEngines.connect(config, "living", counting));
                    RedisEngine dying = join(TestEngines.connect(config, DYING))) {
                living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                List<SessionKey> held = claimStreams(dying, 3);
                join(dying.renewHeld());
                // Another node won the takeover and died at once; its lease outlives the keys.
                long ghost = HOLD_TTL.toMillis() + 2_000;
                assertEquals("OK", redis.command("SET", keys.takeover(DYING), "ghost", "PX", Long.toString(ghost)));
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);
                Waits.await(() -> !listed(redis, keys), "the dead node is still listed", WAIT);
                assertEquals(Set.copyOf(held), Set.copyOf(heard.keySet()), "sessions heard of as ended");
                held.forEach(key -> assertEquals(1, heard.get(key).get(), key + " heard of more than once"));
                assertEquals(held.size(), late.get(), "sessions counted as taken over too late to tell");
            }
        }
    }

    private static RedisEngineConfig config(RedisServerProcess redis, String prefix) {
        return RedisSessionStoreTest.testConfig(redis.url(), prefix).withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
    }

    private static List<SessionKey> claimStreams(RedisEngine dying, int count) {
        List<SessionKey> sessions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SessionKey key = new SessionKey("echo", "held" + i);
            Claim claim = join(dying.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                    new CollectingReceiver(new ReceiverId(DYING, i + 1), new CopyOnWriteArrayList<>())));
            assertEquals(Claim.Outcome.OPENED, claim.outcome(), key.toString());
            sessions.add(key);
        }
        return sessions;
    }

    private static boolean listed(RedisServerProcess redis, RedisKeys keys) {
        try {
            return RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", keys.nodes(), "0", "-1").contains(DYING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, WAIT);
    }
}

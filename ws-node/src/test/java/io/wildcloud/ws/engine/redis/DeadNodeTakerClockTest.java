package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A dead node taken over at once by a node whose host clock is two minutes ahead of the dead
 * one's: the takeover is not late (its sessions' keys live two thirds of the hold TTL after the
 * death), so a session of its held list found gone ended normally and was heard of then, and is
 * not heard of again. Before, the taker judged its lateness by its own clock against the dead
 * node's heartbeat: it took itself for late and heard of every gone session a second time.
 */
class DeadNodeTakerClockTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DYING = "dying";

    @Test
    void aTakerWhoseClockIsAheadDoesNotTakeItselfForLate() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("takerclock");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withHoldTtl(Duration.ofSeconds(30)).withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
            Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
            AtomicLong late = new AtomicLong();
            RedisMetrics counting = new RedisMetrics() {
                @Override
                public void takeoverLate(int sessions) {
                    late.addAndGet(sessions);
                }
            };
            try (RedisEngine living = Waits.join(RedisEngine.start(config, "living", TestEngines.SOCKET_IDLE_TIMEOUT,
                            counting, null, ahead), WAIT);
                    RedisEngine dying = Waits.join(TestEngines.connect(config, DYING), WAIT)) {
                living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                SessionKey held = new SessionKey("echo", "held");
                assertEquals(Claim.Outcome.OPENED, Waits.join(dying.claim(held, ClaimMode.STREAM,
                        Creation.CREATE_IF_MISSING, new CollectingReceiver(new ReceiverId(DYING, 1),
                                new CopyOnWriteArrayList<>())), WAIT).outcome());
                Waits.join(dying.renewHeld(), WAIT);
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);
                // A session it held at its last renewal that ended normally since: gone, heard of then.
                SessionKey ended = new SessionKey("echo", "ended");
                List<String> members = new ArrayList<>(HeldList.decode(redis.command("GET", keys.held(DYING))));
                members.add(RedisKeys.expiryMember(ended));
                assertEquals("OK", redis.command("SET", keys.held(DYING), HeldList.encode(members), "PX", "60000"));

                Waits.await(() -> !listed(redis, keys), "the dead node is still listed", WAIT);
                assertEquals(1, heard.getOrDefault(held, new AtomicInteger()).get(), "the held session heard of");
                assertEquals(null, heard.get(ended), "the session that ended normally heard of again");
                assertEquals(0, late.get(), "sessions counted as taken over too late to tell");
            }
        }
    }

    private static boolean listed(RedisServerProcess redis, RedisKeys keys) {
        try {
            return RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", keys.nodes(), "0", "-1").contains(DYING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node released a held session and died before the release's expiry index entry reached Redis
 * (the ZADD goes apart from the release script, to another master on a Cluster; or it failed past
 * the stall bound). Since issue 16 a held session has no index entry of its own to fall back on:
 * the takeover, which finds it in the dead node's journal or held list released but not yet due,
 * must give it its entry, or nobody ends it and the application never hears of it.
 */
class TakeoverOfAReleaseWithoutIndexEntryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration HOLD_TTL = Duration.ofSeconds(30);
    /** Longer than the living node takes to judge the dead one (two scans a second apart). */
    private static final Duration DISCONNECT_DELAY = Duration.ofSeconds(6);

    @Test
    void aReleasedSessionOfADeadNodeWithoutItsIndexEntryStillEndsAndIsHeardOf() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("relnoidx");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix).withHoldTtl(HOLD_TTL)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            List<SessionKey> heard = new CopyOnWriteArrayList<>();
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine dying = Waits.join(TestEngines.connect(config, "dying"), WAIT)) {
                living.setExpiryListener(heard::add);
                SessionKey key = new SessionKey("echo", "released");
                ReceiverId stream = new ReceiverId("dying", 1);
                Claim claim = Waits.join(dying.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                        new CollectingReceiver(stream, new CopyOnWriteArrayList<>())), WAIT);
                assertEquals(Claim.Outcome.OPENED, claim.outcome());
                Waits.join(dying.release(key, stream, 0, DISCONNECT_DELAY), WAIT);
                // The release's index entry never arrived.
                String member = RedisKeys.expiryMember(key);
                assertEquals("1", RedisProbe.command(redis.host(), redis.port(), "ZREM",
                        keys.expiryShard(RedisKeys.expiryShardOf(member)), member));
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);

                Waits.await(() -> heard.contains(key),
                        () -> "the dead node's released session was not heard of as ended: " + heard, WAIT);
                assertEquals(List.of(key), List.copyOf(heard), "heard of once");
                assertEquals("0", RedisProbe.command(redis.host(), redis.port(), "EXISTS", keys.session(key)));
            }
        }
    }
}

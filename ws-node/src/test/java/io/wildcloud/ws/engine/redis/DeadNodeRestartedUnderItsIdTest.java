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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node restarted under the same node id while its dead process is taken over (the lease was
 * taken back, say, and the takeover goes on) holds sessions of its own that the dead process's
 * lists may name too (a poll re-created under the same id). The taker ends only the dead
 * process's: receiver numbers start at the process's start time, and those of a process started
 * after the dead one was last seen are left alone. Before, every session held under the node id
 * was ended, the new process's included.
 */
class DeadNodeRestartedUnderItsIdTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HOLD_TTL = Duration.ofSeconds(30);
    private static final String DYING = "dying";

    @Test
    void theTakerLeavesTheSessionsOfTheProcessRestartedUnderTheDeadNodesId() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("restarted");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix).withHoldTtl(HOLD_TTL)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine dying = Waits.join(TestEngines.connect(config, DYING), WAIT)) {
                living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                SessionKey old = new SessionKey("echo", "old");
                Claim claim = Waits.join(dying.claim(old, ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                        new CollectingReceiver(new ReceiverId(DYING, 1), new CopyOnWriteArrayList<>())), WAIT);
                assertEquals(Claim.Outcome.OPENED, claim.outcome());
                Waits.join(dying.renewHeld(), WAIT);
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);

                // What the process restarted under the same id holds: a session its lists name too.
                SessionKey renewed = new SessionKey("echo", "renewed");
                String newHolder = new ReceiverId(DYING,
                        ReceiverId.firstOfProcessStartedAt(System.currentTimeMillis() + 1) + 1).encode();
                assertEquals("2", redis.command("HSET", keys.session(renewed), "st", "o", "h", newHolder));
                assertEquals("1", redis.command("PEXPIRE", keys.session(renewed), "60000"));
                List<String> members = new ArrayList<>(HeldList.decode(redis.command("GET", keys.held(DYING))));
                members.add(RedisKeys.expiryMember(renewed));
                assertEquals("OK", redis.command("SET", keys.held(DYING), HeldList.encode(members), "PX", "60000"));

                Waits.await(() -> !listed(redis, keys), "the dead node is still listed", WAIT);
                assertEquals(1, heard.getOrDefault(old, new AtomicInteger()).get(),
                        "the dead process's session heard of as ended");
                assertEquals(null, heard.get(renewed), "the new process's session was ended");
                assertEquals(newHolder, redis.command("HGET", keys.session(renewed), "h"), "its holder");
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

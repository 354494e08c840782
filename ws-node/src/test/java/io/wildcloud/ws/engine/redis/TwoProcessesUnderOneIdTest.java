package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An operator's mistake: a second process started under the node id of one that is alive (two
 * replicas given one fixed {@code WS_NODE_ID}). Before, it started: it wrote its process key, so
 * every node took the live process's receivers for dead and claimed their sessions from under
 * them, and it took the live process over as its own dead predecessor, ending its sessions. Now it
 * refuses to start, and says why. One the start's check cannot tell from a successor (the live
 * process's heartbeats paused past the check; both started at once) is found at the next
 * heartbeat, and the older process gives way.
 */
class TwoProcessesUnderOneIdTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TWIN = "twin";

    @Test
    void aSecondProcessUnderALiveNodesIdRefusesToStartAndLeavesItsSessionsAlone() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("twin-id");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine first = Waits.join(TestEngines.connect(config, TWIN), WAIT)) {
                first.setExpiryListener(key -> { });
                living.setExpiryListener(key -> { });
                SessionKey served = new SessionKey("echo", "served");
                String holder = new ReceiverId(TWIN, first.firstReceiver() + 1).encode();
                assertEquals(Claim.Outcome.OPENED, Waits.join(first.claim(served, ClaimMode.STREAM,
                        Creation.CREATE_IF_MISSING, receiver(ReceiverId.decode(holder))), WAIT).outcome());
                Waits.join(first.renewHeld(), WAIT);

                RedisEngine second = null;
                try {
                    second = TestEngines.connect(config, TWIN).toCompletableFuture()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    second.setExpiryListener(key -> { });
                    Thread.sleep(3_000); // its first scans: a self-takeover would run now
                } catch (ExecutionException | CompletionException refused) {
                    String message = String.valueOf(refused.getCause().getMessage());
                    System.out.println("the second process: " + message);
                    assertTrue(message.contains("node id " + TWIN + " is in use"), message);
                }
                try {
                    assertEquals(holder, redis.command("HGET", keys.session(served), "h"),
                            "the live process's session was taken from it");
                    assertEquals(Claim.Outcome.BUSY, Waits.join(living.claim(served, ClaimMode.STREAM,
                            Creation.EXISTING_ONLY, receiver(new ReceiverId("living", 1))), WAIT).outcome(),
                            "the live process's receiver was taken for dead");
                    if (second != null) {
                        fail("a second process started under the live node id " + TWIN);
                    }
                } finally {
                    if (second != null) {
                        second.close();
                    }
                }
            }
        }
    }

    /**
     * The older process's heartbeats paused (a long GC, a frozen VM) past the start check's watch:
     * the newer one started as its successor and took its sessions over. Before, once the older
     * woke up both ran under one id, each writing its own process number, held list and
     * heartbeats over the other's, unseen. Now the older finds the newer's number at its next
     * heartbeat, writes nothing more as that node and reports it: its process stops.
     */
    @Test
    void anOlderProcessWhoseHeartbeatsPausedGivesWayToTheNewerOne() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("twin-paused");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            try (RedisEngine older = Waits.join(TestEngines.connect(config, TWIN), WAIT)) {
                older.setExpiryListener(key -> { });
                older.stopClusterWatch();
                try (RedisEngine newer = Waits.join(TestEngines.connect(config, TWIN), WAIT)) {
                    newer.setExpiryListener(key -> { });
                    String newerProcess = redis.command("GET", keys.process(TWIN));
                    assertTrue(newerProcess.startsWith(newer.firstReceiver() + " "), newerProcess);

                    older.resumeClusterWatch();
                    String why = Waits.join(older.superseded(), Duration.ofSeconds(10));
                    assertTrue(why.contains("node id " + TWIN + " is in use by a newer process"), why);
                    assertEquals(why, older.problem());

                    Thread.sleep(2_500); // two heartbeat periods: the older one writes nothing more
                    Waits.join(older.renewHeld(), WAIT);
                    assertEquals(newerProcess, redis.command("GET", keys.process(TWIN)),
                            "the older process wrote its number over the newer one's");
                    assertNull(newer.problem());
                    assertFalse(newer.superseded().toCompletableFuture().isDone());
                }
            }
        }
    }

    /**
     * The order process_announce.lua judges processes by: the larger first receiver number (as
     * text: past Lua's 53 bits), then the larger token (two started in one millisecond); a key
     * an older build wrote (the number alone) is overwritten by the same number with a token.
     */
    @Test
    void theNewerProcessIsTheOneWithTheLargerNumberThenTheLargerToken() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String script = LuaScript.load("process_announce").text();
            String key = RedisTestServer.newKeyPrefix("announce") + "process:{n}";
            String first = "1855345673592913920";
            assertNull(announce(redis, script, key, first, "00000000000000aa"));
            assertNull(announce(redis, script, key, first, "00000000000000ab"));
            assertEquals(first + " 00000000000000ab", redis.command("GET", key));
            assertEquals(first + " 00000000000000ab", announce(redis, script, key, first, "00000000000000aa"),
                    "the same number: the larger token is newer");
            assertEquals(first + " 00000000000000ab", announce(redis, script, key, "1855345673592913919", "ffffffffffffffff"),
                    "a number one below (equal as a double) is older, whatever its token");
            assertNull(announce(redis, script, key, "1855345673592913921", "0000000000000000"));
            assertNull(announce(redis, script, key, "10000000000000000000", "0000000000000000"),
                    "a longer number is larger");
            redis.command("SET", key, first);
            assertNull(announce(redis, script, key, first, "0000000000000000"), "an older build's key");
            assertEquals(first + " 0000000000000000", redis.command("GET", key));
        }
    }

    private static String announce(RedisServerProcess redis, String script, String key, String first, String token) {
        return redis.command("EVAL", script, "1", key, first, token, "60000");
    }

    private static CollectingReceiver receiver(ReceiverId id) {
        return new CollectingReceiver(id, new CopyOnWriteArrayList<>());
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wildcloud.ws.push.SessionRegistration;
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
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The double fault that the expiry index's entries of held sessions used to cover (issue 16: they
 * cost ~170 bytes of Redis per idle session): a node dies, and the node that took its sessions
 * over dies before it ended them all. The taker's lease ({@code takeover:{<dead>}}) keeps the others
 * off while it runs and the dead node listed on the roster; once the lease lapses, the next node to
 * judge it dead ends the rest, and the application hears of each session once.
 */
class TakeoverAfterTakerDiedTest {

    /** A ghost's lease (10 s) and the scans that judge the node dead after it, on a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Long enough that the sessions' keys outlive both takeovers on a loaded machine. */
    private static final Duration HOLD_TTL = Duration.ofSeconds(30);
    /** The lease of the taker that died: seconds longer than the checks made while it runs, on a loaded machine. */
    private static final Duration GHOST_LEASE = Duration.ofSeconds(10);
    /** Scans of the living node while that lease runs: it judges a node dead within two, a second apart. */
    private static final Duration SCANS = Duration.ofSeconds(4);
    private static final String DYING = "dying";

    @Test
    void theSessionsOfADeadNodeEndOnceTheLeaseOfATakerThatDiedLapses() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("taker");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = config(redis, prefix);
            Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
            try (RedisEngine living = join(TestEngines.connect(config, "living"));
                    RedisEngine dying = join(TestEngines.connect(config, DYING))) {
                living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                List<SessionKey> sessions = claimAStreamAndASocketsSession(dying);
                SessionKey first = sessions.get(1);
                assertEquals(SessionRegistration.ADDED, join(dying.addSession(first.scope(), first.sessionId(), 10)));
                // A held session has no expiry index entry: the roster's takeover is its only cover.
                for (int shard = 0; shard < RedisKeys.EXPIRY_SHARDS; shard++) {
                    assertEquals("0", redis.command("ZCARD", keys.expiryShard(shard)), "expiry shard " + shard);
                }
                // Another node won the takeover and died at once, before ending anything.
                long leased = System.nanoTime();
                assertEquals("OK", redis.command("SET", keys.takeover(DYING), "ghost", "PX",
                        Long.toString(GHOST_LEASE.toMillis())));
                long killed = System.nanoTime();
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);

                // While the taker's lease runs, the living node leaves the dead node's sessions alone
                // (several scans a second apart: it judges the node dead within two) and the dead
                // node stays listed, so that the next taker finds it.
                Thread.sleep(SCANS.toMillis());
                Map<SessionKey, AtomicInteger> heardEarly = Map.copyOf(heard);
                List<String> roster = RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", keys.nodes(), "0", "-1");
                List<String> exist = sessions.stream().map(key -> redis.command("EXISTS", keys.session(key))).toList();
                // Read while the lease still ran, or they judge nothing.
                long readMillis = (System.nanoTime() - leased) / 1_000_000;
                assumeTrue(readMillis < GHOST_LEASE.toMillis(), "read " + readMillis + " ms after the ghost's lease"
                        + " began, past its end: the machine is too slow to judge");
                assertEquals(Map.of(), heardEarly, "sessions ended while another node's takeover ran");
                assertTrue(roster.contains(DYING), "the dead node left the roster while its takeover ran: " + roster);
                assertEquals(sessions.stream().map(key -> "1").toList(), exist, sessions + " ended early");

                Waits.await(() -> heard.keySet().containsAll(sessions),
                        () -> "the dead node's sessions were not heard of as ended: " + heard.keySet(), WAIT);
                System.out.printf("a dead node's %d sessions heard of as ended %d ms after it died (its first"
                        + " taker's lease: %d ms)%n", sessions.size(), (System.nanoTime() - killed) / 1_000_000,
                        GHOST_LEASE.toMillis());
                sessions.forEach(key -> assertEquals(1, heard.get(key).get(), key + " heard of more than once"));
                for (SessionKey key : sessions) {
                    assertEquals("0", redis.command("EXISTS", keys.session(key)), key + " still there");
                }
                Waits.await(() -> !listed(redis, keys, DYING), "the dead node is still on the roster", WAIT);
                Waits.await(() -> "0".equals(redis.command("EXISTS", keys.held(DYING))),
                        "the dead node's held set is still there", WAIT);
            }
        }
    }

    /**
     * The first taker merged the dead node's claim journal into its held list and died; the
     * journal expired before the next taker came (it keeps a hold TTL of claims): the next taker
     * ends the sessions from the held list alone.
     */
    @Test
    void theNextTakerEndsFromTheHeldListTheFirstWroteOnceTheJournalExpired() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("taker");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = config(redis, prefix);
            Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
            try (RedisEngine living = join(TestEngines.connect(config, "living"));
                    RedisEngine dying = join(TestEngines.connect(config, DYING))) {
                living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                List<SessionKey> sessions = claimAStreamAndASocketsSession(dying);
                assertEquals("OK", redis.command("SET", keys.takeover(DYING), "ghost", "PX",
                        Long.toString(GHOST_LEASE.toMillis())));
                dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);

                // What the ghost did before it died: the journal's sessions into the held list, as
                // the only list (the dead node's last renewal may have come before the claims).
                List<String> journals = RedisProbe.commandList(redis.host(), redis.port(), "KEYS",
                        prefix + "claims:*");
                assertTrue(!journals.isEmpty(), "no claim journal");
                List<String> members = sessions.stream().map(RedisKeys::expiryMember).toList();
                for (String journal : journals) {
                    assertTrue(RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", journal, "0", "-1")
                            .stream().allMatch(members::contains), journal + " lists a session not claimed here");
                }
                assertEquals("OK", redis.command("SET", keys.held(DYING), HeldList.encode(members), "PX", "60000"));
                // Then the journal expired.
                for (String journal : journals) {
                    assertEquals("1", redis.command("DEL", journal), journal);
                }

                Waits.await(() -> heard.keySet().containsAll(sessions),
                        () -> "the dead node's sessions were not heard of as ended: " + heard.keySet(), WAIT);
                sessions.forEach(key -> assertEquals(1, heard.get(key).get(), key + " heard of more than once"));
                for (SessionKey key : sessions) {
                    assertEquals("0", redis.command("EXISTS", keys.session(key)), key + " still there");
                }
                Waits.await(() -> !listed(redis, keys, DYING), "the dead node is still on the roster", WAIT);
                Waits.await(() -> "0".equals(redis.command("EXISTS", keys.held(DYING))),
                        "the dead node's held list is still there", WAIT);
            }
        }
    }

    private static boolean listed(RedisServerProcess redis, RedisKeys keys, String node) {
        try {
            return RedisProbe.commandList(redis.host(), redis.port(), "ZRANGE", keys.nodes(), "0", "-1").contains(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisEngineConfig config(RedisServerProcess redis, String prefix) {
        return RedisSessionStoreTest.testConfig(redis.url(), prefix).withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
    }

    /** A stream session and a session of a socket authorized for it, both claimed by {@code dying}. */
    private static List<SessionKey> claimAStreamAndASocketsSession(RedisEngine dying) {
        SessionKey stream = new SessionKey("echo", "stream");
        claim(dying, stream, Creation.CREATE_IF_MISSING, 1);
        String socket = join(dying.authorize("app", "client", URI.create("http://127.0.0.1:9/"))).socket().socketId();
        SessionKey first = new SessionKey(socket, "first");
        claim(dying, first, Creation.CREATE_ONLY_IN_LIVE_SCOPE, 2);
        return List.of(stream, first);
    }

    private static void claim(RedisEngine engine, SessionKey key, Creation creation, long connection) {
        Claim claim = join(engine.claim(key, ClaimMode.STREAM, creation,
                new CollectingReceiver(new ReceiverId(DYING, connection), new CopyOnWriteArrayList<>())));
        assertEquals(Claim.Outcome.OPENED, claim.outcome(), key.toString());
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, WAIT);
    }
}

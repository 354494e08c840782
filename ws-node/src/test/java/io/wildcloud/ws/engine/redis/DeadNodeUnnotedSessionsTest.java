package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisClusterProcesses;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
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
 * A node that dies after its claims were answered but before its notes that it holds them (the
 * roster's held set, the expiry index: they go after the claim) reached Redis: another node must
 * still end its sessions and tell the application, within the seconds NodeRoster promises.
 *
 * <p>The dying node connects as a Redis user that may not write the roster's held sets nor the
 * expiry index (ACL), so none of its notes that go after a claim ever lands: what a SIGKILL in
 * between leaves. Before the fix its sessions expired silently at their hold TTL.
 */
class DeadNodeUnnotedSessionsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Long enough that the sessions' keys outlive the takeover on a loaded machine. */
    private static final Duration HOLD_TTL = Duration.ofSeconds(20);
    /** NodeRoster: "within seconds" of the death (two scans a second apart, and the ends). */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(10);
    private static final String DYING = "dying";
    private static final String PASSWORD = "dying-pw";

    @Test
    void aSingleRedisHearsOfTheSessionsOfANodeThatDiedBeforeItsNotes() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("unnoted");
            restrictDyingNode(redis, prefix);
            URI uri = URI.create(redis.url());
            String dyingUrl = "redis://" + DYING + ":" + PASSWORD + "@" + uri.getHost() + ":" + uri.getPort();
            List<SessionKey> keys = dieAfterClaims(redis.url(), dyingUrl, prefix, () -> {
                // The notes were refused, as if the node had died before they were sent.
                assertEquals("0", redis.command("EXISTS", new RedisKeys(prefix).held(DYING)));
                for (int shard = 0; shard < RedisKeys.EXPIRY_SHARDS; shard++) {
                    assertEquals("0", redis.command("ZCARD", new RedisKeys(prefix).expiryShard(shard)));
                }
            });
            for (SessionKey key : keys) {
                assertEquals("0", redis.command("EXISTS", new RedisKeys(prefix).session(key)));
            }
        }
    }

    @Test
    void aClusterHearsOfTheSessionsOfANodeThatDiedBeforeItsNotes() {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            String prefix = RedisTestServer.newKeyPrefix("unnoted-cluster");
            cluster.masters().forEach(master -> restrictDyingNode(master, prefix));
            String seeds = String.join(",", cluster.nodeUrls()).replace("redis://", "");
            dieAfterClaims("redis-cluster://" + seeds, "redis-cluster://" + DYING + ":" + PASSWORD + "@" + seeds,
                    prefix, () -> { });
        }
    }

    /**
     * The dying node claims a stream, a websocket's first session (claim.lua) and one that joins its
     * socket's index (claim_open.lua), and dies; returns the sessions once the living node has heard
     * of each end exactly once.
     */
    private static List<SessionKey> dieAfterClaims(String url, String dyingUrl, String prefix, Runnable notesRefused) {
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(url, prefix).withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
        Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
        try (RedisEngine living = join(TestEngines.connect(config, "living"));
                RedisEngine dying = join(TestEngines.connect(RedisEngineConfig.of(dyingUrl).withKeyPrefix(prefix)
                        .withMaxQueueLength(config.maxQueueLength()).withSweepInterval(config.sweepInterval())
                        .withHoldTtl(HOLD_TTL).withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3)),
                        DYING))) {
            living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
            SessionKey stream = new SessionKey("echo", "stream");
            claim(dying, stream, Creation.CREATE_IF_MISSING, 1);
            String socket = join(dying.authorize("app", "client", URI.create("http://127.0.0.1:9/"))).socket()
                    .socketId();
            SessionKey first = new SessionKey(socket, "first");
            claim(dying, first, Creation.CREATE_ONLY_IN_LIVE_SCOPE, 2);
            // The first admission teaches the engine the session limit: the next claim joins the index itself.
            assertEquals(SessionRegistration.ADDED, join(dying.addSession(socket, "first", 10)));
            SessionKey joined = new SessionKey(socket, "joined");
            claim(dying, joined, Creation.CREATE_ONLY_IN_LIVE_SCOPE, 3);
            assertEquals(SessionRegistration.ADDED, join(dying.addSession(socket, "joined", 10)));
            notesRefused.run();
            long killed = System.nanoTime();
            // Its connections close as a killed process's would; it renews nothing any more.
            dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);
            List<SessionKey> keys = List.of(stream, first, joined);
            Waits.await(() -> heard.keySet().containsAll(keys),
                    () -> "the dead node's sessions were not heard of as ended: " + heard.keySet(), TAKEOVER_BOUND);
            System.out.printf("a dead node's %d unnoted sessions heard of as ended %d ms after it died%n", keys.size(),
                    (System.nanoTime() - killed) / 1_000_000);
            keys.forEach(key -> assertEquals(1, heard.get(key).get(), key + " heard of more than once"));
            return keys;
        }
    }

    private static void claim(RedisEngine engine, SessionKey key, Creation creation, long connection) {
        Claim claim = join(engine.claim(key, ClaimMode.STREAM, creation,
                new CollectingReceiver(new ReceiverId(DYING, connection), new CopyOnWriteArrayList<>())));
        assertEquals(Claim.Outcome.OPENED, claim.outcome(), key.toString());
    }

    /**
     * A user for the dying node that may read everything and write every key of the prefix but the
     * roster's held sets ({@code held:}) and the expiry index ({@code expiry:}). Scripts declare
     * their keys read-write, which one pattern must grant whole; {@code test1} is a key Redisson's
     * connection check names.
     */
    private static void restrictDyingNode(RedisServerProcess redis, String prefix) {
        assertEquals("OK", redis.command("ACL", "SETUSER", DYING, "on", ">" + PASSWORD, "+@all", "&*", "%R~*",
                "~" + prefix + "[^he]*", "~" + prefix + "epoch", "~test1"));
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, WAIT);
    }
}

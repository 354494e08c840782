package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

/**
 * A node that dies while polling transports' requests (xhr-polling, jsonp-polling) hold its
 * sessions' slots, before a hold renewal listed them in its held list: another node must still end
 * each session and tell the application exactly once, within the seconds NodeRoster promises.
 *
 * <p>The dying node connects as a Redis user that may not write the roster's held lists (ACL), so
 * no renewal lists a session: what a SIGKILL before the next renewal leaves. Its releases' expiry
 * index entries land, as in real life. Before polls that hold the slot were journaled, a session
 * whose release's entry had been checked (and dropped) while its node lived, and a session whose
 * opening poll had not yet released it, expired silently at their hold TTL.
 */
class DeadNodeHeldPollsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Long enough that the sessions' keys outlive the takeover on a loaded machine. */
    private static final Duration HOLD_TTL = Duration.ofSeconds(20);
    /** Short, so that a release's index entry comes due (a claim grace later) within seconds. */
    private static final Duration DISCONNECT_DELAY = Duration.ofSeconds(2);
    /** NodeRoster: "within seconds" of the death (two scans a second apart, and the ends). */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(10);
    /**
     * A released session is no takeover's: it ends at its deadline and claim grace (5 s here), or
     * up to a grace later after a gap in its index shard's sweeps (StoreGaps, 5 s; seen on a
     * loaded machine's Cluster), with some seconds for the load.
     */
    private static final Duration RELEASED_BOUND = Duration.ofSeconds(15);
    private static final String DYING = "dying";
    private static final String PASSWORD = "dying-pw";

    private final AtomicLong connections = new AtomicLong();

    @Test
    void aSingleRedisHearsOnceOfThePolledSessionsOfANodeThatDied() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("held-polls");
            restrictDyingNode(redis, prefix);
            URI uri = URI.create(redis.url());
            String dyingUrl = "redis://" + DYING + ":" + PASSWORD + "@" + uri.getHost() + ":" + uri.getPort();
            dieWhilePolled(redis.url(), dyingUrl, prefix);
            assertEquals("0", redis.command("EXISTS", new RedisKeys(prefix).held(DYING)), "held list was written");
        }
    }

    @Test
    void aClusterHearsOnceOfThePolledSessionsOfANodeThatDied() {
        try (RedisClusterProcesses cluster = RedisClusterProcesses.start()) {
            String prefix = RedisTestServer.newKeyPrefix("held-polls-cluster");
            cluster.masters().forEach(master -> restrictDyingNode(master, prefix));
            String seeds = String.join(",", cluster.nodeUrls()).replace("redis://", "");
            dieWhilePolled("redis-cluster://" + seeds, "redis-cluster://" + DYING + ":" + PASSWORD + "@" + seeds,
                    prefix);
        }
    }

    /**
     * The dying node serves four polled sessions, each in a state a SIGKILL may find it in, then
     * dies; the living node must hear of each end exactly once.
     */
    private void dieWhilePolled(String url, String dyingUrl, String prefix) {
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(url, prefix).withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
        Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
        Map<SessionKey, Long> firstHeard = new ConcurrentHashMap<>();
        try (RedisEngine living = join(TestEngines.connect(config, "living"));
                RedisEngine dying = join(TestEngines.connect(RedisEngineConfig.of(dyingUrl).withKeyPrefix(prefix)
                        .withMaxQueueLength(config.maxQueueLength()).withSweepInterval(config.sweepInterval())
                        .withHoldTtl(HOLD_TTL).withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3)),
                        DYING))) {
            living.setExpiryListener(key -> {
                firstHeard.putIfAbsent(key, System.nanoTime());
                heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            });
            Map<String, SessionKey> cases = new LinkedHashMap<>();
            // Held by a poll after its release's index entry was checked (its holder alive) and dropped.
            SessionKey checked = new SessionKey("echo", "held-entry-checked");
            openReleaseAndHold(living, dying, checked);
            Waits.await(() -> indexed(living, prefix, checked) == null,
                    "the release's index entry of " + checked + " checked and dropped while its node lives",
                    DISCONNECT_DELAY.plus(config.claimGrace()).plus(WAIT));
            cases.put("held poll, release's entry already checked", checked);
            // Held by a poll while its release's index entry is still due.
            SessionKey due = new SessionKey("echo", "held-entry-due");
            openReleaseAndHold(living, dying, due);
            assertTrue(indexed(living, prefix, due) != null, "no index entry for " + due);
            cases.put("held poll, release's entry still due", due);
            // Released by a poll that took its messages: ends at its deadline, once.
            SessionKey released = new SessionKey("echo", "released-by-poll");
            join(dying.release(released, open(dying, released), 0, DISCONNECT_DELAY));
            takeMessages(living, dying, released);
            cases.put("released by a poll that took messages", released);
            // Held by the poll that opened it, whose open frame was not yet answered and released.
            SessionKey opening = new SessionKey("echo", "opening");
            open(dying, opening);
            cases.put("held by its opening poll", opening);

            long killed = System.nanoTime();
            // Its connections close as a killed process's would; it renews nothing any more.
            dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);
            List<SessionKey> held = List.of(checked, due, opening);
            Waits.await(() -> heard.keySet().containsAll(held), () -> "not heard of as ended: "
                    + cases.entrySet().stream().filter(c -> !heard.containsKey(c.getValue())).map(Map.Entry::getKey)
                            .toList(), TAKEOVER_BOUND);
            Waits.await(() -> heard.containsKey(released), "the released session heard of as ended",
                    RELEASED_BOUND.minus(Duration.ofNanos(System.nanoTime() - killed)));
            cases.forEach((name, key) -> System.out.printf("a dead node's session (%s) heard of as ended %d ms after"
                    + " it died%n", name, (firstHeard.get(key) - killed) / 1_000_000));
            // Once every check is done (the index holds none of them), none was heard of twice.
            Waits.await(() -> cases.values().stream().allMatch(key -> indexed(living, prefix, key) == null),
                    "the index entries of the ended sessions checked", WAIT);
            cases.forEach((name, key) -> assertEquals(1, heard.get(key).get(), name + ": heard of more than once"));
            for (SessionKey key : cases.values()) {
                assertEquals(0L, (long) living.redisson().getKeys().countExists(new RedisKeys(prefix).session(key)),
                        key + " not ended");
            }
        }
    }

    /** A session opened by a poll, released, polled for its messages, then held by a poll that found none. */
    private void openReleaseAndHold(RedisEngine living, RedisEngine dying, SessionKey key) {
        ReceiverId opener = open(dying, key);
        // The open frame answered: its release starts the disconnect delay and adds the index entry.
        join(dying.release(key, opener, 0, DISCONNECT_DELAY));
        takeMessages(living, dying, key);
        Claim held = join(dying.claim(key, ClaimMode.POLL, Creation.EXISTING_ONLY,
                receiver(connections.incrementAndGet())));
        assertEquals(Claim.Outcome.ATTACHED, held.outcome(), key.toString());
        assertTrue(held.holdsSlot(ClaimMode.POLL), key + " not held");
    }

    /** A poll that opens {@code key}: it holds the slot until its open frame is answered. */
    private ReceiverId open(RedisEngine dying, SessionKey key) {
        CollectingReceiver poll = receiver(connections.incrementAndGet());
        Claim opened = join(dying.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, poll));
        assertEquals(Claim.Outcome.OPENED, opened.outcome(), key.toString());
        return poll.id();
    }

    /** A message published, and a poll that finds it, answers and releases the slot with it. */
    private void takeMessages(RedisEngine living, RedisEngine dying, SessionKey key) {
        join(living.enqueue(key, List.of("m")));
        CollectingReceiver poll = receiver(connections.incrementAndGet());
        Claim took = join(dying.claim(key, ClaimMode.POLL, Creation.EXISTING_ONLY, poll));
        assertEquals(1, took.pending().size(), key + " poll took no message");
        join(dying.release(key, poll.id(), took.pending().get(0).seq(), DISCONNECT_DELAY));
    }

    /** The score of {@code key} in the expiry index, or null if it has no entry. */
    private static Double indexed(RedisEngine engine, String prefix, SessionKey key) {
        String member = RedisKeys.expiryMember(key);
        return engine.redisson().<String>getScoredSortedSet(new RedisKeys(prefix).expiryShard(
                RedisKeys.expiryShardOf(member)), StringCodec.INSTANCE).getScore(member);
    }

    private static CollectingReceiver receiver(long connection) {
        return new CollectingReceiver(new ReceiverId(DYING, connection), new CopyOnWriteArrayList<>());
    }

    /**
     * A user for the dying node that may read everything and write every key of the prefix but the
     * roster's held lists ({@code held:}). Scripts declare their keys read-write, which one pattern
     * must grant whole; {@code test1} is a key Redisson's connection check names.
     */
    private static void restrictDyingNode(RedisServerProcess redis, String prefix) {
        assertEquals("OK", redis.command("ACL", "SETUSER", DYING, "on", ">" + PASSWORD, "+@all", "&*", "%R~*",
                "~" + prefix + "[^h]*", "~test1"));
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, WAIT);
    }
}

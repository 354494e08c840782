package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.IdleReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The expiry index (leases that outlive a node that died mid-check, its shards, the grace after a
 * gap in its sweeps) and the deadlines it watches.
 */
class RedisExpiryIndexTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** A sweep interval no test lasts: the store never sweeps. */
    private static final Duration NEVER = Duration.ofHours(1);
    /** A released session's index entry is due this long after its deadline (the claim grace: the test's margin is long). */
    private static final long CLAIM_GRACE_MILLIS = RedisEngineConfig.CLAIM_GRACE.toMillis();

    @AutoClose
    private final Closing cleanup = new Closing();
    private final String prefix;
    private final URI redis = URI.create(RedisTestServer.shared().url());
    private final RedisKeys keys;
    private final Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
    /** When each session was first heard of (ms). */
    private final Map<SessionKey, Long> heardAt = new ConcurrentHashMap<>();

    RedisExpiryIndexTest(TestInfo test) {
        prefix = RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName());
        keys = new RedisKeys(prefix);
    }

    @Test
    void sessionsLeasedByANodeThatDiedMidCheckEndAfterTheLeaseAndAreHeardOfOnce() throws Exception {
        // The survivors start, and take their listeners, first: an engine sweeps from its start, and
        // a sweep that ended the session before its listener was set would end it unheard. How long
        // they take to start (seconds on a loaded machine) then bounds nothing.
        RedisEngine first = store("survivor1", Duration.ofMillis(50));
        RedisEngine second = store("survivor2", Duration.ofMillis(50));
        first.setExpiryListener(this::heard);
        second.setExpiryListener(this::heard);
        RedisEngine setup = store("setup", NEVER);
        Node dead = new Node();
        SessionKey key = new SessionKey("app", "orphan");
        claimAndRelease(setup, key, Duration.ofSeconds(5));

        // A node leases the session, then dies before it checks it. It leases what is due by the
        // session's deadline and claim grace (as its sweep at that moment would), before the
        // survivors' sweeps can.
        long dueBy = System.currentTimeMillis() + 5_000 + CLAIM_GRACE_MILLIS;
        long leaseEnd = dueBy + 2_000;
        int shard = RedisKeys.expiryShardOf(RedisKeys.expiryMember(key));
        ExpiryIndex.Lease lease = join(dead.index.lease(shard, dueBy, 10, leaseEnd, 60_000, false));
        assertEquals(List.of(RedisKeys.expiryMember(key)), lease.members(),
                "the dead node did not lease the session before its deadline");
        await(() -> heard.containsKey(key), "no other node ended the session after the lease");
        assertTrue(heardAt.get(key) > leaseEnd,
                "heard of before the lease ended: at " + heardAt.get(key) + ", lease until " + leaseEnd);
        // The sweeper notifies as each check concludes and settles the shard's leases after.
        await(() -> {
            try {
                return score(shard, key) == null;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "the session is still in the index");

        // The node was only slow: its check, late, finds the session gone and settles nothing.
        List<Object> answer = join(dead.scripts.expire.eval(dead.script, RScript.ReturnType.LIST,
                keys.sessionKeys(key), "", 0));
        assertEquals(List.of(-1L), answer);
        assertEquals(0L, join(dead.index.settle(lease, List.of(RedisKeys.expiryMember(key)))));

        // Both survivors swept past the session since: a later session heard of means so.
        SessionKey witness = new SessionKey("app", "witness");
        claimAndRelease(first, witness, Duration.ofMillis(100));
        await(() -> heard.containsKey(witness), "the witness did not expire");
        assertEquals(1, heard.get(key).get(), "heard of more than once");
    }

    @Test
    void aSettleLeavesAnEntryThatGotANewDeadlineDuringTheCheck() throws Exception {
        Node node = new Node();
        SessionKey key = new SessionKey("app", "released-again");
        int shard = RedisKeys.expiryShardOf(RedisKeys.expiryMember(key));
        long now = System.currentTimeMillis();
        join(node.index.add(key, now - 1));
        ExpiryIndex.Lease lease = join(node.index.lease(shard, now, 10, now + 10_000, 60_000, false));
        assertEquals(List.of(RedisKeys.expiryMember(key)), lease.members());
        assertEquals(now + 10_000.5, Double.parseDouble(score(shard, key)));

        // Released again while the check ran: the new deadline stays.
        join(node.index.add(key, now + 5_000));
        assertEquals(0L, join(node.index.settle(lease, lease.members())));
        assertEquals(now + 5_000, Double.parseDouble(score(shard, key)));

        ExpiryIndex.Lease next = join(node.index.lease(shard, now + 5_000, 10, now + 20_000, 60_000, false));
        assertEquals(1L, join(node.index.settle(next, next.members())));
        assertNull(score(shard, key));
    }

    @Test
    void afterAGapInAShardsSweepsItsLeasesCarryAGraceThatExpireWaitsFor() throws Exception {
        RedisEngine setup = store("setup", NEVER);
        Node node = new Node(new StoreGaps(Duration.ofMillis(300), Duration.ofSeconds(30)));
        SessionKey key = new SessionKey("app", "waited-out");
        int shard = RedisKeys.expiryShardOf(RedisKeys.expiryMember(key));
        ExpiryIndex.Lease swept = join(node.index.lease(shard, System.currentTimeMillis(), 10, 0, 60_000, false));
        assertEquals(0, swept.notBefore(), "a grace without a gap");
        claimAndRelease(setup, key, Duration.ofMillis(1));

        TimeUnit.MILLISECONDS.sleep(600); // the gap: nobody sweeps the shard
        long now = System.currentTimeMillis();
        // Leased as if its claim grace had passed too (its entry is due that much after its deadline).
        ExpiryIndex.Lease afterGap = join(node.index.lease(shard, now + CLAIM_GRACE_MILLIS, 10, now + 10_000, 60_000,
                false));
        assertEquals(List.of(RedisKeys.expiryMember(key)), afterGap.members());
        assertTrue(afterGap.notBefore() > now + 20_000, "grace until " + afterGap.notBefore() + ", now " + now);
        // Every lease of the shard carries it until it ends, gap or not.
        ExpiryIndex.Lease next = join(node.index.lease(shard, System.currentTimeMillis(), 10, 0, 60_000, false));
        assertEquals(afterGap.notBefore(), next.notBefore());

        List<Object> waits = join(node.scripts.expire.eval(node.script, RScript.ReturnType.LIST,
                keys.sessionKeys(key), "", afterGap.notBefore()));
        assertEquals(1, waits.size());
        assertTrue((Long) waits.get(0) > 20_000, "expire.lua did not wait for the grace: " + waits);
        // The same check without a grace ends the session, whose disconnect delay passed long ago.
        assertEquals(List.of(-4L), join(node.scripts.expire.eval(node.script, RScript.ReturnType.LIST,
                keys.sessionKeys(key), "", 0)));
    }

    @Test
    void aLeaseAfterAStallTheNodeSawStartsTheGraceForEveryNodeWithoutAGapInTheSweeps() throws Exception {
        // No gap Redis could see: the shard was never swept before, and the longest gap is a minute.
        Node node = new Node(new StoreGaps(Duration.ofMinutes(1), Duration.ofSeconds(30)));
        Node other = new Node(new StoreGaps(Duration.ofMinutes(1), Duration.ofSeconds(30)));
        int shard = 5;
        long before = System.currentTimeMillis();
        ExpiryIndex.Lease afterStall = join(node.index.lease(shard, before, 10, 0, 60_000, true));
        assertTrue(afterStall.notBefore() > before + 20_000,
                "grace until " + afterStall.notBefore() + ", asked at " + before);
        // Another node's lease, which saw no stall, carries it until it ends; a second stall never shortens it.
        ExpiryIndex.Lease othersNext = join(other.index.lease(shard, System.currentTimeMillis(), 10, 0, 60_000, false));
        assertEquals(afterStall.notBefore(), othersNext.notBefore());
        ExpiryIndex.Lease again = join(node.index.lease(shard, System.currentTimeMillis(), 10, 0, 60_000, true));
        assertTrue(again.notBefore() >= afterStall.notBefore(), again.notBefore() + " < " + afterStall.notBefore());
        // Without a stall or a gap, no grace.
        ExpiryIndex.Lease unstalled = join(node.index.lease(shard + 1, System.currentTimeMillis(), 10, 0, 60_000, false));
        assertEquals(0, unstalled.notBefore(), "a grace without a stall");
    }

    @Test
    void rearmStartsAReleasedSessionsDelayAgainButNeverBringsItsDeadlineForward() throws Exception {
        RedisEngine setup = store("setup", NEVER);
        Node node = new Node();
        SessionKey released = new SessionKey("app", "answered-late");
        claimAndRelease(setup, released, Duration.ofMillis(1));
        long before = System.currentTimeMillis();
        long deadline = join(node.scripts.rearm.<Long>eval(node.script, RScript.ReturnType.LONG,
                keys.sessionKeys(released), 60_000, 30_000));
        assertTrue(deadline >= before + 59_000, "deadline " + deadline + ", asked at " + before);
        assertEquals(Long.toString(deadline), hget(released, "x"));
        long ttl = Long.parseLong(RedisProbe.command(redis.getHost(), redis.getPort(), "PTTL",
                keys.sessionKeys(released).get(0).toString()));
        assertTrue(ttl > 85_000, "keys' TTL " + ttl + " ms: not the new delay and the margin");
        // A shorter delay, or a repeat of the same call, leaves the later deadline.
        assertEquals(deadline, (long) join(node.scripts.rearm.<Long>eval(node.script, RScript.ReturnType.LONG,
                keys.sessionKeys(released), 10, 30_000)));
        assertEquals(Long.toString(deadline), hget(released, "x"));

        // A held session has no deadline to start again; a gone one nothing at all.
        SessionKey held = new SessionKey("app", "held");
        join(setup.claim(held, ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                new IdleReceiver(new ReceiverId(setup.nodeId(), 7))));
        assertEquals(0L, (long) join(node.scripts.rearm.<Long>eval(node.script, RScript.ReturnType.LONG,
                keys.sessionKeys(held), 60_000, 30_000)));
        assertNull(hget(held, "x"));
        assertEquals(0L, (long) join(node.scripts.rearm.<Long>eval(node.script, RScript.ReturnType.LONG,
                keys.sessionKeys(new SessionKey("app", "never")), 60_000, 30_000)));
    }

    private String hget(SessionKey key, String field) throws Exception {
        String value = RedisProbe.command(redis.getHost(), redis.getPort(), "HGET",
                keys.sessionKeys(key).get(0).toString(), field);
        return value == null || value.isEmpty() ? null : value;
    }

    @Test
    void sessionsInDifferentShardsAllExpire() throws Exception {
        RedisEngine store = store("sharded", Duration.ofMillis(50));
        store.setExpiryListener(this::heard);
        SessionKey first = new SessionKey("app", "s0");
        SessionKey second = null;
        for (int i = 1; second == null; i++) {
            SessionKey candidate = new SessionKey("app", "s" + i);
            if (shardOf(candidate) != shardOf(first)) {
                second = candidate;
            }
        }
        assertNotEquals(shardOf(first), shardOf(second));
        claimAndRelease(store, first, Duration.ofSeconds(1));
        claimAndRelease(store, second, Duration.ofSeconds(1));
        // Each waits in its own shard, and nowhere else.
        for (SessionKey key : List.of(first, second)) {
            assertNotNull(score(shardOf(key), key), key + " not in its shard");
            for (int shard = 0; shard < RedisKeys.EXPIRY_SHARDS; shard++) {
                if (shard != shardOf(key)) {
                    assertNull(score(shard, key), key + " also in shard " + shard);
                }
            }
        }
        SessionKey secondKey = second;
        await(() -> heard.containsKey(first) && heard.containsKey(secondKey), "not both expired: " + heard.keySet());
        assertNull(score(shardOf(first), first));
        assertNull(score(shardOf(second), second));
    }

    private static int shardOf(SessionKey key) {
        return RedisKeys.expiryShardOf(RedisKeys.expiryMember(key));
    }

    private void heard(SessionKey key) {
        heardAt.putIfAbsent(key, System.currentTimeMillis());
        heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private String score(int shard, SessionKey key) throws Exception {
        String score = RedisProbe.command(redis.getHost(), redis.getPort(), "ZSCORE", keys.expiryShard(shard),
                RedisKeys.expiryMember(key));
        return score == null || score.isEmpty() ? null : score;
    }

    private RedisEngine store(String nodeId, Duration sweepInterval) {
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.toString(), prefix)
                .withSweepInterval(sweepInterval);
        RedisEngine store = join(TestEngines.connect(config, nodeId));
        cleanup.add(store);
        return store;
    }

    private static void claimAndRelease(RedisEngine store, SessionKey key, Duration disconnectDelay) {
        Receiver receiver = new IdleReceiver(new ReceiverId(store.nodeId(), key.sessionId().hashCode()));
        join(store.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver));
        join(store.release(key, receiver.id(), 0, disconnectDelay));
    }

    /** The expiry index and scripts of a node with no sweeper: it does only what the test says. */
    private final class Node {
        final RScriptAsync script;
        final LuaScripts scripts = new LuaScripts();
        final ExpiryIndex index;

        Node() {
            this(StoreGaps.forSweepInterval(NEVER));
        }

        Node(StoreGaps gaps) {
            RedissonClient client = RedissonClients.create(RedisSessionStoreTest.testConfig(redis.toString(), prefix),
                    "ws-test-node", null);
            cleanup.add(client::shutdown);
            script = client.getScript(StringCodec.INSTANCE);
            PlainCommands commands = new PlainCommands(RedisMetrics.NONE, new CommandGate(() -> true));
            index = new ExpiryIndex(script, scripts, commands, keys,
                    name -> client.getScoredSortedSet(name, StringCodec.INSTANCE), gaps);
        }
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, WAIT);
    }

    private static void await(BooleanSupplier condition, String what) {
        Waits.await(condition, what, WAIT);
    }
}

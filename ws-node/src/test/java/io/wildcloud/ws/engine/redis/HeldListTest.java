package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** A node's held list ({@link HeldList}) on a real Redis: what a takeover reads back, in both layouts. */
class HeldListTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aListReadsBackAsWrittenAndEachRenewalReplacesTheLast() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("held");
            RedissonClient client = RedissonClients.create(RedisSessionStoreTest.testConfig(redis.url(), prefix),
                    "ws-test-held", null);
            try {
                HeldList held = list(client, prefix);
                // Scopes and ids of any length and characters, the separator and digits included.
                Set<String> members = new HashSet<>();
                for (SessionKey key : List.of(new SessionKey("echo", "a"), new SessionKey("12:3", "4:56"),
                        new SessionKey("sock", ""), new SessionKey("x".repeat(300), "é\n:"))) {
                    members.add(RedisKeys.expiryMember(key));
                }
                Waits.join(held.write("n1", members), WAIT);
                assertEquals(members, Waits.join(held.read("n1"), WAIT));
                String key = new RedisKeys(prefix).held("n1");
                long ttl = Long.parseLong(RedisProbe.command(redis.host(), redis.port(), "PTTL", key));
                assertTrue(ttl > 0 && ttl <= 60_000, "TTL " + ttl);

                Set<String> later = Set.of(RedisKeys.expiryMember(new SessionKey("echo", "b")));
                Waits.join(held.write("n1", later), WAIT);
                assertEquals(later, Waits.join(held.read("n1"), WAIT));
                Waits.join(held.write("n1", List.of()), WAIT);
                assertEquals("0", RedisProbe.command(redis.host(), redis.port(), "EXISTS", key));
                assertEquals(Set.of(), Waits.join(held.read("n1"), WAIT));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aZsetLeftByAnEarlierBuildIsReadToo() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("held");
            RedissonClient client = RedissonClients.create(RedisSessionStoreTest.testConfig(redis.url(), prefix),
                    "ws-test-held", null);
            try {
                String a = RedisKeys.expiryMember(new SessionKey("sock", "a"));
                String b = RedisKeys.expiryMember(new SessionKey("sock", "b"));
                RedisProbe.command(redis.host(), redis.port(), "ZADD", new RedisKeys(prefix).held("old"), "1", a, "2", b);
                assertEquals(Set.of(a, b), Waits.join(list(client, prefix).read("old"), WAIT));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aDamagedListIsAnErrorThatSaysWhere() {
        assertEquals(Set.of("3:abc", ""), HeldList.decode("5:3:abc0:"));
        List<String> bad = new ArrayList<>(List.of("5:3:ab", "x:abc", "3abc", "-1:a"));
        for (String encoded : bad) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> HeldList.decode(encoded),
                    encoded);
            assertTrue(error.getMessage().startsWith("held list unreadable at character"), error.getMessage());
        }
    }

    /**
     * A takeover's cut of the dead node's list (the pin timer's, on another connection) still on
     * its way when the takeover ended and deleted the list must not bring it back: the list would
     * outlive the takeover, stale, for twice the hold TTL. Nor may a taker whose lease went to
     * another node write it. Before, the cut was a plain SET.
     */
    @Test
    void aCutThatArrivesAfterItsTakeoverDeletedTheListWritesNothing() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("held-cut");
            RedisKeys keys = new RedisKeys(prefix);
            RedissonClient client = RedissonClients.create(RedisSessionStoreTest.testConfig(redis.url(), prefix),
                    "ws-test-held", null);
            try {
                HeldList held = list(client, prefix);
                String a = RedisKeys.expiryMember(new SessionKey("echo", "a"));
                String b = RedisKeys.expiryMember(new SessionKey("echo", "b"));
                Waits.join(held.write("dead", List.of(a, b)), WAIT);
                assertEquals("OK", RedisProbe.command(redis.host(), redis.port(), "SET", keys.takeover("dead"), "taker",
                        "PX", "60000"));
                assertTrue(Waits.join(held.cut("dead", "taker", List.of(b), false), WAIT), "a cut in time");
                assertEquals(Set.of(b), Waits.join(held.read("dead"), WAIT));

                Waits.join(held.delete("dead"), WAIT);
                Waits.join(held.cut("dead", "taker", List.of(b), false), WAIT);
                assertEquals("0", RedisProbe.command(redis.host(), redis.port(), "EXISTS", keys.held("dead")),
                        "the list came back after its takeover ended");

                Waits.join(held.write("dead", List.of(a, b)), WAIT);
                assertEquals("OK", RedisProbe.command(redis.host(), redis.port(), "SET", keys.takeover("dead"), "other",
                        "PX", "60000"));
                Waits.join(held.cut("dead", "taker", List.of(b), false), WAIT);
                assertEquals(Set.of(a, b), Waits.join(held.read("dead"), WAIT), "cut by a taker without the lease");
            } finally {
                client.shutdown();
            }
        }
    }

    private static HeldList list(RedissonClient client, String prefix) {
        CommandGate gate = new CommandGate(() -> true);
        LuaScripts scripts = new LuaScripts();
        scripts.guard(gate);
        return new HeldList(new RedisKeys(prefix), new PlainCommands(RedisMetrics.NONE, gate),
                name -> client.getBucket(name, HeapStringCodec.INSTANCE),
                name -> client.getScoredSortedSet(name, HeapStringCodec.INSTANCE), Duration.ofMinutes(1),
                client.getScript(HeapStringCodec.INSTANCE), scripts);
    }
}

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

    private static HeldList list(RedissonClient client, String prefix) {
        return new HeldList(new RedisKeys(prefix), new PlainCommands(RedisMetrics.NONE, new CommandGate(() -> true)),
                name -> client.getBucket(name, HeapStringCodec.INSTANCE),
                name -> client.getScoredSortedSet(name, HeapStringCodec.INSTANCE), Duration.ofMinutes(1));
    }
}

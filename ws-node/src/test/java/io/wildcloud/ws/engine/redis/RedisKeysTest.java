package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.IdleReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every key the engine writes carries the prefix, the scope's hash tag and a TTL. */
class RedisKeysTest {

    private static <T> T join(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static long pttl(URI redis, String key) throws Exception {
        return Long.parseLong(RedisProbe.command(redis.getHost(), redis.getPort(), "PTTL", key));
    }

    private static long pttlUnchecked(URI redis, String key) {
        try {
            return pttl(redis, key);
        } catch (Exception e) {
            throw new AssertionError("PTTL " + key, e);
        }
    }

    @Test
    void everyKeyHasThePrefixTheScopeTagAndATtl() throws Exception {
        URI redis = URI.create(RedisTestServer.shared().url());
        String prefix = RedisTestServer.newKeyPrefix("ttl");
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.toString(), prefix);
        try (RedisEngine store = join(TestEngines.connect(config, "n1"))) {
            Receiver receiver = new IdleReceiver(new ReceiverId("n1", 1));
            SessionKey held = new SessionKey("app-1", "held");
            SessionKey released = new SessionKey("app-1", "released");
            join(store.claim(held, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver));
            join(store.enqueue(held, List.of("a", "b")));
            join(store.acknowledge(held, receiver.id(), 1));
            Receiver other = new IdleReceiver(new ReceiverId("n1", 2));
            join(store.claim(released, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, other));
            join(store.release(released, other.id(), 0, Duration.ofSeconds(30)));
            join(store.enqueue(released, List.of("c")));

            RedisKeys names = new RedisKeys(prefix);
            // The released session is in the expiry index; the held one is not (its node's roster
            // entry covers it: held list, claim journal, takeover lease).
            List<String> shards = Stream.of(released)
                    .map(key -> names.expiryShard(RedisKeys.expiryShardOf(RedisKeys.expiryMember(key))))
                    .distinct()
                    .toList();
            List<String> expected = new ArrayList<>(shards);
            // Every sweep marks each shard as swept.
            IntStream.range(0, RedisKeys.EXPIRY_SHARDS).mapToObj(names::expirySweepMark).forEach(expected::add);
            expected.addAll(List.of(prefix + "{app-1}:q:held", prefix + "{app-1}:q:released", prefix + "{app-1}:s:held",
                    prefix + "{app-1}:s:released", prefix + "nodes", prefix + "held:{n1}",
                    // The number the node's receivers are numbered above (a restart under its id).
                    prefix + "process:{n1}"));
            // Some are written after the calls above answered: the index's TTL and the sweep marks by
            // the first sweep (50 ms after the start here), the held list by the first hold renewal.
            // Listed before they are all there, the keys would depend on the machine's speed.
            Waits.await(() -> expected.stream().allMatch(key -> pttlUnchecked(redis, key) > 0),
                    "not every key written with its TTL", Duration.ofSeconds(10));
            expected.add(prefix + "epoch");
            List<String> keys = RedisProbe.commandList(redis.getHost(), redis.getPort(), "KEYS", prefix + "*");
            // Reply keys (one per write that must not run twice) are named by call id: match by shape.
            List<String> replyKeys = keys.stream().filter(k -> k.startsWith(prefix + "{app-1}:r:")).toList();
            assertFalse(replyKeys.isEmpty(), "no reply keys in " + keys);
            // The claims' journal (one on a single Redis) lives a hold TTL after the last claim: it
            // may be gone by now, a renewal having listed the held session in the held list.
            String journal = names.claimJournal("n1", 0);
            List<String> others = keys.stream().filter(k -> !replyKeys.contains(k) && !k.equals(journal)).sorted()
                    .toList();
            assertEquals(List.of(), keys.stream().filter(k -> k.startsWith(prefix + "claims:") && !k.equals(journal))
                    .toList(), "claim journals other than the node's one");
            assertEquals(expected.stream().sorted().toList(), others);
            for (String key : keys) {
                if (key.equals(prefix + "epoch")) {
                    // The one key without a TTL, by design: its disappearance is how nodes learn
                    // that Redis lost its data (StoreEpoch).
                    assertEquals(-1, pttl(redis, key), key);
                    continue;
                }
                long ttl = pttl(redis, key);
                assertTrue(ttl > 0, key + " has no TTL: " + ttl);
            }
        }
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The count of a session queue's bytes in its hash (field {@code qb}: queue.lua, queue_trim.lua),
 * as Redis holds it; and a session of a build before the count (its hash has no {@code qb}),
 * whose queue counts as empty until a trim empties it. The bound itself is the shared contract's
 * ({@code SessionStoreContract}).
 */
class QueueByteCountTest {

    private static final int MAX_QUEUE_BYTES = 1000;

    private RedisServerProcess redis;
    private RedisEngine engine;
    private RedisKeys keys;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        RedisEngineConfig config = RedisEngineConfig.of(redis.url()).withKeyPrefix(RedisTestServer.newKeyPrefix("qb"))
                .withMaxQueueBytes(MAX_QUEUE_BYTES);
        engine = join(RedisEngine.start(config, "n1", Duration.ofHours(1)));
        keys = new RedisKeys(config.keyPrefix());
    }

    @AfterEach
    void stop() {
        engine.close();
        redis.close();
    }

    @Test
    void aSessionOfAnEarlierBuildCountsAsEmptyUntilItsQueueDrains() throws Exception {
        SessionKey key = new SessionKey("scope", "old");
        CollectingReceiver receiver = new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>());
        assertEquals(Claim.Outcome.OPENED,
                join(engine.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver)).outcome());
        assertEquals(EnqueueResult.QUEUED, join(engine.enqueue(key, List.of("a".repeat(600)))));
        assertEquals("600", qb(key));
        // As an earlier build wrote it: no count, 600 bytes queued.
        redis("HDEL", keys.session(key), "qb");
        assertEquals(EnqueueResult.QUEUED, join(engine.enqueue(key, List.of("b".repeat(300)))));
        assertEquals("300", qb(key), "undercounted: 900 bytes queued");
        join(engine.acknowledge(key, receiver.id(), 1));
        assertEquals("0", qb(key), "600 trimmed from 300 counted: never below 0");
        assertEquals(EnqueueResult.QUEUED, join(engine.enqueue(key, List.of("c".repeat(700)))));
        assertEquals("700", qb(key), "still undercounted: 1000 bytes queued");
        join(engine.acknowledge(key, receiver.id(), 2));
        assertEquals("400", qb(key), "300 trimmed, 700 stay queued");
        join(engine.acknowledge(key, receiver.id(), 3));
        assertEquals("0", qb(key), "the queue is empty: its count is right again");
        assertEquals("0", redis("EXISTS", keys.queue(key)));
        assertEquals(EnqueueResult.QUEUED, join(engine.enqueue(key, List.of("d".repeat(500), "e".repeat(500)))));
        assertEquals("1000", qb(key));
        assertEquals(EnqueueResult.QUEUE_FULL, join(engine.enqueue(key, List.of("f"))));
        assertEquals("2", redis("LLEN", keys.queue(key)));
    }

    @Test
    void aTrimThatKeepsFewerThanItDropsCountsTheKeptOnes() throws Exception {
        SessionKey key = new SessionKey("scope", "kept");
        CollectingReceiver receiver = new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>());
        assertEquals(Claim.Outcome.OPENED,
                join(engine.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver)).outcome());
        assertEquals(EnqueueResult.QUEUED,
                join(engine.enqueue(key, List.of("a".repeat(100), "b".repeat(200), "c".repeat(300)))));
        join(engine.acknowledge(key, receiver.id(), 2));
        assertEquals("300", qb(key), "2 trimmed, 1 kept: the kept one's bytes");
        // As an earlier build wrote it: no count; then 250 more bytes queued, 550 in all.
        redis("HDEL", keys.session(key), "qb");
        assertEquals(EnqueueResult.QUEUED,
                join(engine.enqueue(key, List.of("d".repeat(100), "e".repeat(100), "f".repeat(50)))));
        assertEquals("250", qb(key), "undercounted: 550 bytes queued");
        join(engine.acknowledge(key, receiver.id(), 5));
        assertEquals("50", qb(key), "3 trimmed, the one kept was read: the count is right again");
        assertEquals("1", redis("LLEN", keys.queue(key)));
    }

    private String qb(SessionKey key) throws Exception {
        return redis("HGET", keys.session(key), "qb");
    }

    private String redis(String... command) throws Exception {
        return RedisProbe.command(redis.host(), redis.port(), command);
    }

    private static <T> T join(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

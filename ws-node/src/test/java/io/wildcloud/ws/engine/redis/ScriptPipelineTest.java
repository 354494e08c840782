package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScript;

/**
 * Enqueues fired without waiting travel in pipelined batches: every one is answered, every
 * session gets its messages in order, also when Redis lost its scripts just before.
 */
class ScriptPipelineTest {

    private static final int SESSIONS = 20;
    private static final int PER_SESSION = 100;

    @Test
    void enqueuesFiredTogetherArriveInOrderEvenAfterRedisLostItsScripts() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                    .withKeyPrefix(RedisTestServer.newKeyPrefix("pipeline"))
                    .withMaxQueueLength(PER_SESSION);
            try (RedisEngine receiving = TestEngines.connect(config, "r").toCompletableFuture().get();
                    RedisEngine sending = TestEngines.connect(config, "s").toCompletableFuture().get()) {
                List<List<QueuedMessage>> got = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    List<QueuedMessage> messages = new CopyOnWriteArrayList<>();
                    got.add(messages);
                    receiving.claim(new SessionKey("echo", "p" + s), ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                            new CollectingReceiver(new ReceiverId("r", s), messages))
                            .toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
                assertEquals("OK", RedisProbe.command(redis.host(), redis.port(), "SCRIPT", "FLUSH"));
                // The first call goes alone and loads its script; the acknowledgements queued behind
                // it go as one batch into a Redis without their script, and are sent again.
                List<CompletableFuture<Void>> acknowledgements = new ArrayList<>();
                receiving.enqueue(new SessionKey("echo", "elsewhere"), List.of("x"));
                for (int s = 0; s < SESSIONS; s++) {
                    SessionKey key = new SessionKey("echo", "p" + s);
                    acknowledgements.add(receiving.acknowledge(key, new ReceiverId("r", s), 0).toCompletableFuture());
                }
                for (CompletableFuture<Void> acknowledgement : acknowledgements) {
                    acknowledgement.get(20, TimeUnit.SECONDS);
                }
                List<CompletableFuture<EnqueueResult>> answers = new ArrayList<>();
                for (int i = 1; i <= PER_SESSION; i++) {
                    for (int s = 0; s < SESSIONS; s++) {
                        answers.add(sending.enqueue(new SessionKey("echo", "p" + s), List.of("m" + i))
                                .toCompletableFuture());
                    }
                }
                for (CompletableFuture<EnqueueResult> answer : answers) {
                    assertEquals(EnqueueResult.QUEUED, answer.get(20, TimeUnit.SECONDS));
                }
                List<String> expected = IntStream.rangeClosed(1, PER_SESSION).mapToObj(i -> "m" + i).toList();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                for (int s = 0; s < SESSIONS; s++) {
                    List<QueuedMessage> messages = got.get(s);
                    while (messages.size() < PER_SESSION && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    assertEquals(expected, messages.stream().map(QueuedMessage::message).toList(), "session p" + s);
                    assertEquals(PER_SESSION, messages.get(PER_SESSION - 1).seq());
                }
            }
        }
    }

    /**
     * A node's own call made while a takeover's calls wait (NodeRoster: a dead node's sessions
     * ended by the hundred) goes in the next batch, before them: it waits for the batch in flight
     * only, which carries at most {@link ScriptPipeline#BACKGROUND_SHARE} of theirs. Before, it
     * queued behind all of them (2.3-3.2 s at load 18).
     */
    @Test
    void anOwnCallGoesBeforeTheBackgroundCallsQueuedBeforeIt() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                    .withKeyPrefix(RedisTestServer.newKeyPrefix("lanes"));
            RedisRuntime runtime = RedisRuntime.on(RedissonClients.create(config, "lanes", new ReconnectRelay()),
                    config, "lanes", RedisMetrics.NONE);
            try {
                runtime.scripts().loadAll(runtime.script(), runtime.gate()).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                ScriptPipeline pipeline = runtime.pipeline();
                int queued = 20 * ScriptPipeline.BACKGROUND_SHARE;
                AtomicInteger backgroundDone = new AtomicInteger();
                List<CompletableFuture<Object>> background = new ArrayList<>();
                for (int i = 0; i < queued; i++) {
                    background.add(pipeline.submitBackground(runtime.scripts().expire, RScript.ReturnType.LIST,
                            runtime.keys().sessionKeys(new SessionKey("echo", "dead" + i)), "", 0, 0)
                            .whenComplete((answer, error) -> backgroundDone.incrementAndGet()).toCompletableFuture());
                }
                // Batches run while the test queues: count from the own call's submission.
                int atSubmit = backgroundDone.get();
                int before = pipeline.<List<Object>>submit(runtime.scripts().expire, RScript.ReturnType.LIST,
                                runtime.keys().sessionKeys(new SessionKey("echo", "own")), "", 0, 0)
                        .thenApply(answer -> backgroundDone.get()).toCompletableFuture().get(10, TimeUnit.SECONDS);
                CompletableFuture.allOf(background.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                System.out.printf("an own call answered after %d of %d background calls queued before it (%d answered"
                        + " when it was submitted)%n", before, queued, atSubmit);
                assertTrue(queued - atSubmit > 4 * ScriptPipeline.BACKGROUND_SHARE,
                        "the background calls were nearly all answered before the own call came: " + atSubmit);
                // The batch in flight when the own call came, at most.
                assertTrue(before - atSubmit <= ScriptPipeline.BACKGROUND_SHARE,
                        "background calls answered after the own call was submitted, before it: " + (before - atSubmit));
                for (CompletableFuture<Object> answer : background) {
                    assertEquals(List.of(-1L), answer.get(), "expire.lua of a session that is not there");
                }
            } finally {
                runtime.shutdown();
            }
        }
    }
}

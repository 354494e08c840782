package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

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
}

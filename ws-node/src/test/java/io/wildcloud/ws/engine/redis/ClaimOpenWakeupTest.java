package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A new websocket session's claim (claim_open.lua) joins its socket's index in Redis before the
 * node has registered the receiver: a publish that runs in between queues the message and wakes
 * the node, whose wake-up finds no receiver yet. The claim must notice (as every other claim does,
 * through its watch) and read the queue, or the message waits for the session's next publish,
 * which may never come (a message lost in an open session).
 */
class ClaimOpenWakeupTest {

    private static final int LIMIT = 10;

    private RedisServerProcess redis;
    private RedisEngine engine;
    private RedisEngine publisher;
    private String socket;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                .withKeyPrefix(RedisTestServer.newKeyPrefix("openwake"));
        engine = join(RedisEngine.start(config, "n1", Duration.ofHours(1)));
        publisher = join(RedisEngine.start(config, "n2", Duration.ofHours(1)));
        socket = join(engine.authorize("app", "client", URI.create("http://127.0.0.1:9/"))).socket().socketId();
    }

    @AfterEach
    void stop() {
        publisher.close();
        engine.close();
        redis.close();
    }

    @Test
    void aPublishBetweenTheClaimsScriptAndTheReceiversRegistrationReachesTheReceiver() throws Exception {
        // The first admission on the node teaches the engine the limit: from then on claims join.
        SessionKey first = new SessionKey(socket, "first");
        join(engine.claim(first, ClaimMode.STREAM, Creation.CREATE_ONLY_IN_LIVE_SCOPE,
                new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>())));
        assertEquals(SessionRegistration.ADDED, join(engine.addSession(socket, "first", LIMIT)));

        List<QueuedMessage> got = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> publishFailed = new AtomicReference<>();
        // The engine asks the receiver its id when it sends the claim and again when it registers
        // it: a publish to the socket at each call, until one reaches both sessions, so that the
        // claim's script had joined "racing" to the index and its registration is still to come.
        // (Which thread asks is not a sign: a claim answered before the test thread chained its
        // next step is read on the test thread.)
        Receiver racing = new PublishingReceiver(new ReceiverId("n1", 2), got, () -> {
            try {
                Optional<Publication> reached = join(publisher.publish(socket, null, "published-in-between"));
                if (reached.isEmpty() || reached.get().queued() < 2) {
                    return false; // before the claim's script: only "first" got it
                }
                // Time for the wake-up to reach this node's subscription (and find no receiver).
                Thread.sleep(500);
            } catch (Exception e) {
                publishFailed.set(e);
            }
            return true;
        });
        join(engine.claim(new SessionKey(socket, "racing"), ClaimMode.STREAM, Creation.CREATE_ONLY_IN_LIVE_SCOPE, racing));
        assertEquals(null, publishFailed.get(), "the publish in between failed");
        assertTrue(((PublishingReceiver) racing).published(), "the publish ran before the registration");

        Waits.await(() -> got.stream().anyMatch(m -> m.message().equals("published-in-between")),
                "the message published between the claim and the registration delivered", Duration.ofSeconds(5));
        assertEquals(1, got.get(0).seq());
    }

    /**
     * A {@link CollectingReceiver} that runs {@code hook} at a call of {@link #id()} until the hook
     * says it ran.
     */
    private static final class PublishingReceiver implements Receiver {
        private final CollectingReceiver collecting;
        private final BooleanSupplier hook;
        private volatile boolean published;

        PublishingReceiver(ReceiverId id, List<QueuedMessage> got, BooleanSupplier hook) {
            this.collecting = new CollectingReceiver(id, got);
            this.hook = hook;
        }

        boolean published() {
            return published;
        }

        @Override
        public ReceiverId id() {
            if (!published && hook.getAsBoolean()) {
                published = true;
            }
            return collecting.id();
        }

        @Override
        public void onMessages(List<QueuedMessage> messages) {
            collecting.onMessages(messages);
        }

        @Override
        public void onClosed(SockJsFrame closeFrame) {
            collecting.onClosed(closeFrame);
        }

        @Override
        public void onEvicted() {
            collecting.onEvicted();
        }
    }

    private static <T> T join(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** What the Redis store does when nodes or Redis fail. */
class RedisSessionStoreFaultTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @AutoClose
    private final Closing cleanup = new Closing();
    private final String prefix;

    RedisSessionStoreFaultTest(TestInfo test) {
        prefix = RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName());
    }

    private RedisEngine store(String url, String nodeId, Duration commandTimeout) {
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(url, prefix)
                .withTimeouts(commandTimeout, 1, commandTimeout);
        RedisEngine store = join(TestEngines.connect(config, nodeId));
        cleanup.add(store);
        return store;
    }

    private static <T> T join(CompletionStage<T> stage) {
        return Waits.join(stage, WAIT);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        Waits.await(condition, what, WAIT);
    }

    /** A receiver that records messages and whether it was evicted. */
    private static final class Probe implements Receiver {
        final ReceiverId id;
        final List<QueuedMessage> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicBoolean evicted = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicReference<String> closed = new java.util.concurrent.atomic.AtomicReference<>();

        Probe(String nodeId, long connection) {
            id = new ReceiverId(nodeId, connection);
        }

        @Override
        public ReceiverId id() {
            return id;
        }

        @Override
        public void onMessages(List<QueuedMessage> batch) {
            messages.addAll(batch);
        }

        @Override
        public void onClosed(SockJsFrame closeFrame) {
            closed.set(closeFrame.text());
        }

        @Override
        public void onEvicted() {
            evicted.set(true);
        }
    }

    @Test
    void receiverWhoseSlotWasTakenWhileCutOffIsEvictedWhenTheNodeReconnects() throws Exception {
        String url = RedisTestServer.shared().url();
        URI uri = URI.create(url);
        RedisEngine store = store(url, "cut-off", Duration.ofSeconds(2));
        SessionKey key = new SessionKey("echo", "taken");
        Probe receiver = new Probe("cut-off", 1);
        join(store.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver));
        // While this node was cut off, another judged it dead and took the slot.
        RedisProbe.command(uri.getHost(), uri.getPort(), "HSET", prefix + "{echo}:s:taken", "h", "elsewhere:9");
        killConnections(uri, "ws-node-cut-off");
        await(receiver.evicted::get, "receiver not evicted after the node reconnected");
        // Its acknowledgement no longer changes the queue.
        join(store.enqueue(key, List.of("kept")));
        join(store.acknowledge(key, receiver.id(), 1));
        assertEquals("1", RedisProbe.command(uri.getHost(), uri.getPort(), "LLEN", prefix + "{echo}:q:taken"));
    }

    @Test
    void aHeldReceiverReadsItsQueueOnceTheNodesWakeupChannelIsSubscribedAgain() throws Exception {
        String url = RedisTestServer.shared().url();
        URI uri = URI.create(url);
        RedisEngine store = store(url, "resubscribed", Duration.ofSeconds(2));
        SessionKey key = new SessionKey("echo", "unwoken");
        Probe receiver = new Probe("resubscribed", 1);
        join(store.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver));
        join(store.enqueue(key, List.of("woken")));
        await(() -> receiver.messages.size() == 1, "the first message by its wake-up");
        // A message whose wake-up was lost (published while the node was not subscribed).
        RedisProbe.command(uri.getHost(), uri.getPort(), "RPUSH", prefix + "{echo}:q:unwoken", "unwoken");
        killConnections(uri, "ws-node-resubscribed", " flags=P ");
        await(() -> receiver.messages.size() == 2, "the unwoken message after the resubscription");
        assertEquals(List.of("woken", "unwoken"), receiver.messages.stream().map(QueuedMessage::message).toList());
        assertEquals(2, receiver.messages.get(1).seq());
        // And wake-ups arrive again.
        join(store.enqueue(key, List.of("after")));
        await(() -> receiver.messages.size() == 3, "a wake-up after the resubscription");
    }

    private static void killConnections(URI uri, String clientName) throws Exception {
        killConnections(uri, clientName, " ");
    }

    /** Kills the connections named {@code clientName} whose CLIENT LIST line also contains {@code also}. */
    private static void killConnections(URI uri, String clientName, String also) throws Exception {
        String clients = RedisProbe.command(uri.getHost(), uri.getPort(), "CLIENT", "LIST");
        int killed = 0;
        for (String line : clients.split("\n")) {
            if (line.contains(" name=" + clientName + " ") && line.contains(also)) {
                String id = line.substring(3, line.indexOf(' '));
                RedisProbe.command(uri.getHost(), uri.getPort(), "CLIENT", "KILL", "ID", id);
                killed++;
            }
        }
        assertTrue(killed > 0, "no connection named " + clientName + " in " + clients);
    }

    @Test
    void redisDownFailsCallsWithStoreUnavailableAndRedisBackEmptyEndsHeldSessions() throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        cleanup.add(redis);
        int port = redis.port();
        RedisEngine store = store(redis.url(), "survivor", Duration.ofMillis(500));
        SessionKey key = new SessionKey("echo", "restarted");
        Probe receiver = new Probe("survivor", 1);
        join(store.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver));
        redis.kill();

        ExecutionException down = assertThrows(ExecutionException.class,
                () -> store.enqueue(key, List.of("x")).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(StoreUnavailableException.class, down.getCause());
        await(() -> store.problem() != null, "health did not report Redis down");

        RedisServerProcess again = RedisServerProcess.startOn(port);
        cleanup.add(again);
        await(() -> store.problem() == null, "health did not recover: " + store.problem());
        // Redis came back empty (its epoch is gone): the held session is gone, so its receiver gets
        // the close frame that says so, and is not evicted as well.
        await(() -> receiver.closed.get() != null, "receiver of a session Redis lost was not closed");
        assertEquals("c[4010,\"Session state lost\"]", receiver.closed.get());
        assertFalse(receiver.evicted.get(), "evicted as well");
        // Scripts are loaded again on demand and sessions start afresh.
        await(() -> {
            try {
                return store.enqueue(key, List.of("y")).toCompletableFuture().get(5, TimeUnit.SECONDS)
                        == EnqueueResult.NOT_FOUND;
            } catch (Exception e) {
                return false;
            }
        }, "store did not answer again after Redis came back");
        Probe next = new Probe("survivor", 2);
        Claim claim = join(store.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, next));
        assertEquals(Claim.Outcome.OPENED, claim.outcome());
        join(store.enqueue(key, List.of("after restart")));
        await(() -> next.messages.size() == 1, "no wake-up after Redis came back");
    }

    @Test
    void eachExpiryIsHeardOfOnceAmongAllNodes() {
        String url = RedisTestServer.shared().url();
        Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
        List<RedisEngine> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            RedisEngine node = store(url, "sweeper" + i, Duration.ofSeconds(2));
            node.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
            nodes.add(node);
        }
        List<SessionKey> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            SessionKey key = new SessionKey("echo", "e" + i);
            keys.add(key);
            RedisEngine node = nodes.get(i % 3);
            Probe receiver = new Probe(node.nodeId(), i);
            join(node.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver));
            join(node.release(key, receiver.id(), 0, Duration.ofMillis(200)));
        }
        await(() -> heard.keySet().containsAll(keys), "not every session expired: " + heard.keySet());
        SessionKey witness = new SessionKey("echo", "witness");
        Probe w = new Probe("sweeper1", 99);
        join(nodes.get(0).claim(witness, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, w));
        join(nodes.get(0).release(witness, w.id(), 0, Duration.ofMillis(300)));
        await(() -> heard.containsKey(witness), "witness did not expire");
        keys.forEach(key -> assertEquals(1, heard.get(key).get(), key + " heard of more than once"));
    }

    @Test
    void aDeletedEpochClosesEveryHeldReceiverWith4010OnceAndANewEpochIsWritten() {
        URI uri = URI.create(RedisTestServer.shared().url());
        RedisEngine store = store(uri.toString(), "epoch", Duration.ofSeconds(2));
        List<Probe> receivers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Probe receiver = new Probe("epoch", i);
            join(store.claim(new SessionKey("echo", "held" + i), ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                    receiver));
            receivers.add(receiver);
        }
        String epoch = redis(uri, "GET", prefix + "epoch");
        assertTrue(epoch != null && !epoch.isEmpty(), "the store wrote its epoch at start");
        // What a flush or an empty restart does to it (and to everything else, which matters not here).
        redis(uri, "DEL", prefix + "epoch");
        for (Probe receiver : receivers) {
            await(() -> receiver.closed.get() != null, "receiver not closed after the epoch went");
            assertEquals("c[4010,\"Session state lost\"]", receiver.closed.get());
            assertFalse(receiver.evicted.get());
        }
        await(() -> {
            String now = redis(uri, "GET", prefix + "epoch");
            return now != null && !now.isEmpty() && !now.equals(epoch);
        }, "no new epoch written");
        // New sessions work on.
        Probe fresh = new Probe("epoch", 10);
        assertEquals(Claim.Outcome.OPENED, join(store.claim(new SessionKey("echo", "fresh"), ClaimMode.STREAM,
                Creation.CREATE_IF_MISSING, fresh)).outcome());
    }

    @Test
    void theSessionsADeadNodeHeldAreEndedByAnotherWithinSeconds() {
        URI uri = URI.create(RedisTestServer.shared().url());
        RedisEngine dying = store(uri.toString(), "dying", Duration.ofSeconds(2));
        RedisEngine living = store(uri.toString(), "living", Duration.ofSeconds(2));
        Map<SessionKey, AtomicInteger> heard = new ConcurrentHashMap<>();
        living.setExpiryListener(key -> heard.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
        List<SessionKey> keys = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            SessionKey key = new SessionKey("echo", "orphan" + i);
            join(dying.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, new Probe("dying", i)));
            keys.add(key);
        }
        SessionKey kept = new SessionKey("echo", "kept");
        join(living.claim(kept, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, new Probe("living", 1)));
        // The claims listed their sessions in the node's claim journal: it may die at once
        // (DeadNodeUnnotedSessionsTest: before any of its notes land).
        long killed = System.nanoTime();
        // Its connections close as a killed process's would; it renews nothing any more.
        dying.redisson().shutdown(0, 1, TimeUnit.SECONDS);
        Waits.await(() -> heard.keySet().containsAll(keys), () -> "the dead node's sessions were not ended: " + heard,
                Duration.ofSeconds(5));
        long millis = (System.nanoTime() - killed) / 1_000_000;
        for (SessionKey key : keys) {
            assertEquals("0", redis(uri, "EXISTS", prefix + "{echo}:s:" + key.sessionId()));
            assertEquals(1, heard.get(key).get(), key + " heard of more than once");
        }
        assertEquals("1", redis(uri, "EXISTS", prefix + "{echo}:s:kept"), "a living node's session stays");
        System.out.printf("a dead node's %d sessions ended %d ms after it died%n", keys.size(), millis);
    }

    private static String redis(URI uri, String... command) {
        try {
            return RedisProbe.command(uri.getHost(), uri.getPort(), command);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

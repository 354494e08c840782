package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Two polling sessions (one that polls again only once the stall began), a streaming and a
 * websocket session of one push socket, served over HTTP by the push
 * service on the Redis engine, through a store stall (SIGSTOP of the test's own redis-server) a
 * little shorter than the engine's stall bound ({@link RedisEngineConfig#stallBound()}): all stay
 * open (every poll and stream answered 200, no close frame, no websocket close, no second open
 * frame), and every message whose publish was answered as queued, before or during the stall,
 * reaches its session once and in order.
 *
 * <p>The settings are the defaults scaled down: a 27 s hold TTL makes the stall bound 18 s (two
 * thirds of it). With 0.5 s command timeouts and one retry a poll's claim used to give up after
 * 11.5 s (its reply key's TTL less a command timeout) and its socket look-up after 1 s: a 15 s
 * stall ended the polling session with 503.
 */
class StallOutlivingSessionsTest {

    private static final Duration HOLD_TTL = Duration.ofSeconds(27);
    private static final Duration STALL = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @AutoClose
    private final Closing cleanup = new Closing();

    @Test
    void sessionsOfEveryKindStayOpenThroughAStallShorterThanTheBoundAndLoseNothingQueued() throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        cleanup.add(redis);
        RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                .withKeyPrefix(RedisTestServer.newKeyPrefix("outlive"))
                .withSweepInterval(Duration.ofMillis(100))
                .withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofMillis(500), 1, Duration.ofSeconds(2));
        assertTrue(STALL.compareTo(config.stallBound()) < 0, "the stall must stay below " + config.stallBound());
        RedisEngine engine = Waits.join(TestEngines.connect(config, "n1"), WAIT);
        cleanup.add(engine);
        // A heartbeat every 2 s: a poll held when Redis stops answers h, and its release waits the stall out.
        // A 10 s disconnect delay: the late poller's session (below) waits 2-3 s for its second poll.
        PushModule push = new PushModule(ApplicationRegistry.parse("app:" + "s".repeat(16)), engine, engine,
                PushLimits.defaults(), SockJsOptions.defaults().withHeartbeatInterval(Duration.ofSeconds(2))
                        .withDisconnectDelay(Duration.ofSeconds(10)));
        cleanup.add(push);
        String socketId = Waits.join(engine.authorize("app", "client", URI.create("http://127.0.0.1:9/callback")),
                WAIT).socket().socketId();
        String base = SockJsTestPorts.serve(new SockJsHandler(push.resolver(), engine, engine.nodeId()), cleanup)
                + "/" + socketId;

        Map<String, List<String>> received = new LinkedHashMap<>();
        List.of("polled", "late", "streamed", "socketed").forEach(id -> received.put(id, new CopyOnWriteArrayList<>()));
        SockJsClientSessions clients = new SockJsClientSessions();
        cleanup.add(clients);
        clients.polling(base + "/000/polled/xhr", received.get("polled"));
        // Polls again only once Redis stopped: its socket look-up and claim are sent during the stall.
        CompletableFuture<Void> stallBegun = new CompletableFuture<>();
        clients.polling(base + "/000/late/xhr", received.get("late"), stallBegun);
        clients.streaming(base + "/000/streamed/xhr_streaming", received.get("streamed"));
        clients.websocket(base.replace("http:", "ws:") + "/000/socketed/websocket", received.get("socketed"));
        Waits.await(() -> clients.opened() == 4 || !clients.failures().isEmpty(), "the sessions never opened", WAIT);

        // One publish every 100 ms to each session, sent in turn: 2 s before the stall, during it, 2 s after.
        Map<String, Set<String>> queued = new LinkedHashMap<>();
        received.keySet().forEach(id -> queued.put(id, ConcurrentHashMap.newKeySet()));
        List<String> sent = new ArrayList<>();
        long stallAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long resumeAt = stallAt + STALL.toNanos();
        long endAt = resumeAt + TimeUnit.SECONDS.toNanos(2);
        boolean stalled = false;
        boolean resumed = false;
        List<CompletableFuture<?>> publishes = new ArrayList<>();
        for (int i = 0; System.nanoTime() < endAt; i++) {
            if (!stalled && System.nanoTime() >= stallAt) {
                redis.suspend();
                stalled = true;
                stallBegun.complete(null);
            } else if (stalled && !resumed && System.nanoTime() >= resumeAt) {
                redis.resume();
                resumed = true;
            }
            String message = "m" + i;
            sent.add(message);
            queued.forEach((id, answered) -> publishes.add(engine.publish(socketId, id, message).toCompletableFuture()
                    .handle((publication, error) -> publication != null && publication.isPresent()
                            && publication.get().queued() == 1 && answered.add(message))));
            TimeUnit.MILLISECONDS.sleep(100); // the publishing pace, not a wait for a condition
        }
        CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        for (String id : received.keySet()) {
            // Not vacuous: publishes before the stall and after it were answered (how many of those sent
            // during it were depends on the machine's pace, so is not asserted).
            Set<String> answered = queued.get(id);
            assertTrue(sent.subList(0, 5).stream().anyMatch(answered::contains)
                    && sent.subList(sent.size() - 5, sent.size()).stream().anyMatch(answered::contains),
                    id + ": none of the first five or of the last five publishes was answered " + answered);
            awaitDelivered(clients, received.get(id), queued.get(id), id);
        }
        assertEquals(List.of(), clients.failures(), "sessions that did not stay open");
        for (String id : received.keySet()) {
            assertExactlyOnceInOrder(sent, received.get(id), queued.get(id), id);
        }
    }

    /** Every message whose publish was answered (queued for the session) arrives. */
    private static void awaitDelivered(SockJsClientSessions clients, List<String> received, Set<String> queued,
            String what) {
        Waits.await(() -> !clients.failures().isEmpty() || received.containsAll(queued),
                () -> what + " session still misses " + queued.stream().filter(m -> !received.contains(m)).toList()
                        + "; failures " + clients.failures(), WAIT);
    }

    /**
     * No message twice; the answered ones in the order they were sent (those whose answer never came
     * may be there or not, and were queued by copies Redis ran in its own order after the stall).
     */
    private static void assertExactlyOnceInOrder(List<String> sent, List<String> received, Set<String> queued,
            String what) {
        assertEquals(received.stream().distinct().toList(), received, what + ": repeated messages");
        List<String> answered = received.stream().filter(queued::contains).toList();
        List<String> inOrder = sent.stream().filter(answered::contains).toList();
        assertEquals(inOrder, answered, what + ": out of order");
        System.out.printf("StallOutlivingSessionsTest %s: %d received, %d of %d sent answered as queued%n", what,
                received.size(), answered.size(), sent.size());
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishBudgetExceededException;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.Revocation;
import io.wildcloud.ws.push.api.PushOperations;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.sockjs.session.StoreFullException;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A Redis that stalls (SIGSTOP to the test's own redis-server, by PID) or fills up: Redisson
 * resends the commands that got no answer and Redis then runs every copy, yet each write lands
 * once; an answer that never came is reported as unknown, a full Redis as full, and the health
 * check says so within its bound.
 */
class RedisStallTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @AutoClose
    private final Closing cleanup = new Closing();
    private RedisServerProcess redis;
    private RedisEngine sessions;
    private RedisEngine sockets;
    private String prefix;

    private void start(Duration commandTimeout, int retries, Duration sweepInterval, String... redisArgs) {
        redis = RedisServerProcess.start(redisArgs);
        cleanup.add(redis);
        prefix = RedisTestServer.newKeyPrefix("stall");
        RedisEngineConfig config = RedisEngineConfig.of(redis.url()).withKeyPrefix(prefix)
                .withMaxQueueLength(100_000)
                .withSweepInterval(sweepInterval)
                .withTimeouts(commandTimeout, retries, Duration.ofSeconds(2));
        sessions = Waits.join(TestEngines.connect(config, "n1"), WAIT);
        cleanup.add(sessions);
        sockets = sessions;
    }

    /** An open session nobody holds (its queue keeps what is published), in the socket's index when {@code socketId} is one. */
    private SessionKey openSession(String scope, String sessionId, boolean indexed) {
        SessionKey key = new SessionKey(scope, sessionId);
        CollectingReceiver receiver = new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>());
        Waits.join(sessions.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, receiver), WAIT);
        Waits.join(sessions.release(key, receiver.id(), 0, Duration.ofMinutes(5)), WAIT);
        if (indexed) {
            Waits.join(sockets.addSession(scope, sessionId, 10), WAIT);
        }
        return key;
    }

    private String socket() {
        return Waits.join(sockets.authorize("app", "client", URI.create("http://127.0.0.1:9/cb")), WAIT)
                .socket().socketId();
    }

    private List<String> queue(SessionKey key) throws Exception {
        return RedisProbe.commandList(redis.host(), redis.port(), "LRANGE",
                prefix + '{' + key.scope() + "}:q:" + key.sessionId(), "0", "-1");
    }

    @Test
    void aStallShorterThanTheRetriesLandsEveryPublishAndEnqueueExactlyOnce() throws Exception {
        // Attempts every 0.8 s, four in all: a 2 s stall ends before the last one gives up.
        start(Duration.ofMillis(800), 3, Duration.ofMillis(500));
        String socketId = socket();
        SessionKey published = openSession(socketId, "s1", true);
        SessionKey enqueued = openSession("echo", "e1", false);
        List<CompletableFuture<Optional<Publication>>> publishes = new ArrayList<>();
        List<CompletableFuture<EnqueueResult>> enqueues = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        long longest = 0;
        List<Long> startedAt = new ArrayList<>();
        int count = 300;
        for (int i = 0; i < count; i++) {
            if (i == 50) {
                redis.suspend();
            } else if (i == 250) {
                redis.resume();
            }
            sent.add("m" + i);
            startedAt.add(System.nanoTime());
            publishes.add(sockets.publish(socketId, null, "m" + i).toCompletableFuture());
            enqueues.add(sessions.enqueue(enqueued, List.of("m" + i)).toCompletableFuture());
            TimeUnit.MILLISECONDS.sleep(10); // the pace of the publishes, not a wait for a condition
        }
        for (int i = 0; i < count; i++) {
            Publication publication = publishes.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
            longest = Math.max(longest, System.nanoTime() - startedAt.get(i));
            assertEquals(1, publication.queued(), "publish " + i);
            assertEquals(EnqueueResult.QUEUED, enqueues.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS), "enqueue " + i);
        }
        // The call in flight when Redis stopped waited past its timeout, so Redisson resent it:
        // Redis ran the original and the resends after SIGCONT, and only the first queued anything.
        assertTrue(longest > TimeUnit.MILLISECONDS.toNanos(800), "no publish outlived a command timeout");
        assertEquals(sent, queue(published));
        assertEquals(sent, queue(enqueued));
    }

    @Test
    void aPublishWithoutAnAnswerIsUnknownAndItsRetryWithTheSameRequestIdQueuesNothingMore() throws Exception {
        start(Duration.ofMillis(500), 1, Duration.ofMillis(500));
        String socketId = socket();
        SessionKey key = openSession(socketId, "s1", true);
        redis.suspend();
        ExecutionException unknown;
        try {
            unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> sockets.publish(socketId, null, "once", "req-1").toCompletableFuture()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            redis.resume();
        }
        assertInstanceOf(StoreOutcomeUnknownException.class, unknown.getCause(), unknown.getCause().toString());
        // The original sat in Redis's socket buffer and ran on SIGCONT; the application's retry finds it done.
        Publication retry = Waits.join(sockets.publish(socketId, null, "once", "req-1"), WAIT).orElseThrow();
        assertEquals(1, retry.queued());
        Publication again = Waits.join(sockets.publish(socketId, null, "once", "req-1"), WAIT).orElseThrow();
        assertEquals(1, again.queued());
        assertEquals(List.of("once"), queue(key));
        // The same id with another message is another publish.
        Waits.join(sockets.publish(socketId, null, "twice", "req-1"), WAIT);
        assertEquals(List.of("once", "twice"), queue(key));
    }

    /**
     * A take-back of counted request ids that got no answer is not sent again: Redisson resends a
     * command that timed out and a stalled Redis then runs every copy, which took the count back
     * once per copy (5 counted, 1 taken back: 1 left, not 4), letting the application past its
     * bound. Lost, a take-back leaves the count high until the window ends, the safe side.
     */
    @Test
    void aTakeBackOfRequestIdsWithoutAnAnswerIsNotRepeatedInAStall() throws Exception {
        // Attempts every 0.5 s, four in all.
        start(Duration.ofMillis(500), 3, Duration.ofMillis(500));
        long windowMillis = io.wildcloud.ws.push.SocketStore.REQUEST_ID_WINDOW.toMillis();
        if (windowMillis - System.currentTimeMillis() % windowMillis < 30_000) { // away from a window's edge
            TimeUnit.MILLISECONDS.sleep(windowMillis - System.currentTimeMillis() % windowMillis + 100);
        }
        io.wildcloud.ws.push.RequestIdCount counted = Waits.join(sockets.countRequestIds("app", 5, 10), WAIT);
        assertTrue(counted.counted());
        String key = prefix + "request-ids:{app}:" + counted.window();
        assertEquals("5", redis.command("GET", key));
        redis.suspend();
        try {
            sockets.uncountRequestIds("app", counted.window(), 1);
            // Made after the take-back with the same timeout and attempts: once it has given up, every
            // copy of the take-back Redisson would send has been sent.
            org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> sockets.countRequestIds("other", 1, 10).toCompletableFuture()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            redis.resume();
        }
        // The copies sat in Redis's socket buffers and ran on SIGCONT, before this round trip.
        Waits.join(sockets.countRequestIds("third", 1, 10), WAIT);
        assertEquals("4", redis.command("GET", key), "one take-back of 1 from 5");
    }

    @Test
    void aRevokeWithoutAnAnswerRetriedRevokesTheSocket() throws Exception {
        // Attempts every 0.5 s, four in all.
        start(Duration.ofMillis(500), 3, Duration.ofMillis(500));
        String socketId = socket();
        redis.suspend();
        try {
            // Redisson sends the revoke's first step four times; the copies wait in Redis's buffers.
            assertThrows(ExecutionException.class, () -> sockets.revoke("app", "client").toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            redis.resume();
        }
        // The application retries, as a 503 says to: the socket must end now, not at its idle timeout.
        Optional<Revocation> retried = Waits.join(sockets.revoke("app", "client"), WAIT);
        assertTrue(retried.isPresent(), "the retried revoke found the socket to revoke");
        assertEquals("0", redis.command("EXISTS", prefix + '{' + socketId + "}:sock"), "the socket is gone");
        assertEquals(Optional.empty(), Waits.join(sockets.revoke("app", "client"), WAIT), "nothing left to revoke");
    }

    @Test
    void aPublishWithoutAnAnswerKeepsItsChargeToThePublishBudgetForRedisMayStillRunIt() throws Exception {
        start(Duration.ofMillis(500), 1, Duration.ofMillis(500));
        String socketId = socket();
        SessionKey key = openSession(socketId, "s1", true);
        // 1,000 bytes at once, refilled at 1 byte a second: nothing to speak of refills in the test.
        PushOperations push = new PushOperations(sockets, sessions, PushMetrics.NONE,
                PushLimits.defaults().withPublishBytes(1, 1_000));
        String message = "x".repeat(600);
        redis.suspend();
        ExecutionException unknown;
        try {
            unknown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> push.publish(Optional.empty(), socketId, "s1", message, null).toCompletableFuture()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            redis.resume();
        }
        assertInstanceOf(StoreOutcomeUnknownException.class, unknown.getCause(), unknown.getCause().toString());
        Waits.await(() -> "1".equals(redis.command("LLEN", prefix + '{' + key.scope() + "}:q:" + key.sessionId())),
                "the unanswered publish never ran", WAIT);
        // It queued 600 of the 1,000: the next publish takes the budget into debt, the one after is refused.
        Waits.join(push.publish(Optional.empty(), socketId, "s1", message, null), WAIT);
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> push.publish(Optional.empty(), socketId, "s1", message, null).toCompletableFuture()
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS),
                "a third publish of 600 bytes passed a budget of 1,000: the unanswered one was refunded");
        assertInstanceOf(PublishBudgetExceededException.class, refused.getCause(), refused.getCause().toString());
        assertEquals(2, queue(key).size());
    }

    @Test
    void aPollThatWaitedOutAStallPastItsSessionsDeadlineFindsTheSession() throws Exception {
        start(Duration.ofMillis(500), 1, Duration.ofMillis(100));
        List<SessionKey> expired = new CopyOnWriteArrayList<>();
        sessions.setExpiryListener(expired::add);
        SessionKey key = new SessionKey("echo", "poller");
        CollectingReceiver first = new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>());
        Waits.join(sessions.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, first), WAIT);
        // A poll answered just before the stall; its client polls again at once, well within the
        // disconnect delay, but the store runs that claim only once the delay has long passed.
        Waits.join(sessions.release(key, first.id(), 0, Duration.ofMillis(500)), WAIT);
        CompletableFuture<Claim> again;
        CollectingReceiver second = new CollectingReceiver(new ReceiverId("n1", 2), new CopyOnWriteArrayList<>());
        redis.suspend();
        try {
            again = sessions.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, second).toCompletableFuture();
            TimeUnit.SECONDS.sleep(3); // the stall itself, not a wait for a condition
        } finally {
            redis.resume();
        }
        Claim claim = again.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Claim.Outcome.ATTACHED, claim.outcome(), "the client came back in time, yet its session is new");
        assertEquals(List.of(), expired);
        // Released again, it ends when its delay (and the sweeper's grace after the gap) has passed.
        Waits.join(sessions.release(key, second.id(), 0, Duration.ofMillis(100)), WAIT);
        Waits.await(() -> expired.contains(key), "the session never ended", WAIT);
    }

    @Test
    void aReleaseThatRanJustBeforeAStallAndWasAnsweredAfterItStartsItsSessionsDelayAgain() throws Exception {
        start(Duration.ofMillis(500), 1, Duration.ofMillis(100));
        List<SessionKey> expired = new CopyOnWriteArrayList<>();
        sessions.setExpiryListener(expired::add);
        SessionKey key = new SessionKey("echo", "released-late");
        CollectingReceiver poll = new CollectingReceiver(new ReceiverId("n1", 1), new CopyOnWriteArrayList<>());
        Waits.join(sessions.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, poll), WAIT);
        // The poll's release ran just before Redis stopped, and its answer never left Redis (as under
        // SIGSTOP between the script and the reply's write): here, run by hand. Its deadline runs out
        // during the stall, while the client still waits for its answer.
        String releaseScript = new LuaScripts().release.text(); // with the routines the engine puts before it
        String hash = prefix + '{' + key.scope() + "}:s:" + key.sessionId();
        String queue = prefix + '{' + key.scope() + "}:q:" + key.sessionId();
        assertEquals("1", RedisProbe.command(redis.host(), redis.port(), "EVAL", releaseScript, "2", hash, queue,
                poll.id().encode(), "0", "1000", "30000"));
        CompletableFuture<Void> released;
        redis.suspend();
        try {
            // The node's send of that release, unanswered: its copies run once Redis is back.
            released = sessions.release(key, poll.id(), 0, Duration.ofMillis(1000)).toCompletableFuture();
            TimeUnit.SECONDS.sleep(3); // the stall itself, not a wait for a condition
        } finally {
            redis.resume();
        }
        released.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // The client got its answer only now and polls again at once, well within its delay.
        CollectingReceiver next = new CollectingReceiver(new ReceiverId("n1", 2), new CopyOnWriteArrayList<>());
        Claim claim = Waits.join(sessions.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING, next), WAIT);
        assertEquals(Claim.Outcome.ATTACHED, claim.outcome(), "the client polled again in time, yet its session is new");
        assertEquals(List.of(), expired);
    }

    @Test
    void healthTurnsRedWithinTwoSecondsOfAStallAndGreenWhenRedisAnswersAgain() throws Exception {
        start(RedisEngineConfig.DEFAULT_COMMAND_TIMEOUT, RedisEngineConfig.DEFAULT_RETRY_ATTEMPTS,
                RedisEngineConfig.DEFAULT_SWEEP_INTERVAL);
        Waits.await(() -> sessions.problem() == null, "healthy at start", WAIT);
        long stopped = System.nanoTime();
        redis.suspend();
        long red;
        String problem;
        try {
            Waits.await(() -> sessions.problem() != null, "health never reported the stall", WAIT);
            red = System.nanoTime() - stopped;
            problem = sessions.problem();
        } finally {
            redis.resume();
        }
        long resumed = System.nanoTime();
        Waits.await(() -> sessions.problem() == null, "health did not recover", WAIT);
        long green = System.nanoTime() - resumed;
        System.out.printf("RedisStallTest: health red %d ms after SIGSTOP (%s), green %d ms after SIGCONT%n",
                red / 1_000_000, problem, green / 1_000_000);
        assertTrue(problem != null && problem.startsWith("Redis does not answer"), problem);
        assertTrue(red <= TimeUnit.MILLISECONDS.toNanos(2_200), "red only after " + red / 1_000_000 + " ms");
        assertTrue(green <= TimeUnit.MILLISECONDS.toNanos(1_000), "green only after " + green / 1_000_000 + " ms");
    }

    @Test
    void aFullRedisRefusesPublishesAsStoreFullAndHealthSaysSoUntilItTakesWritesAgain() throws Exception {
        start(Duration.ofSeconds(2), 1, Duration.ofMillis(500), "--maxmemory", "4mb", "--maxmemory-policy", "noeviction");
        String socketId = socket();
        SessionKey key = openSession(socketId, "s1", true);
        String message = "x".repeat(8_000);
        Throwable refused = null;
        for (int i = 0; i < 2_000 && refused == null; i++) {
            try {
                sockets.publish(socketId, null, message).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                refused = e.getCause();
            }
        }
        assertInstanceOf(StoreFullException.class, refused, String.valueOf(refused));
        // The watch hears of the refusal as the command ends, which may come just after the
        // caller's future: health must say so within a moment, not necessarily before it.
        Waits.await(() -> String.valueOf(sessions.problem()).startsWith("Redis is full"),
                "health never said Redis is full", Duration.ofSeconds(1));
        RedisProbe.command(redis.host(), redis.port(), "DEL", prefix + '{' + socketId + "}:q:s1");
        Waits.await(() -> sessions.problem() == null, "health still reports Redis full after space was freed", WAIT);
        assertNull(sessions.problem());
        assertEquals(1, Waits.join(sockets.publish(socketId, null, "fits"), WAIT).orElseThrow().queued());
        assertEquals(List.of("fits"), queue(key));
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionEnds} on a real Redis whose writes are paused ({@code CLIENT PAUSE WRITE}), with
 * rounds ten minutes apart: an end kept through the pause is sent again as soon as Redis answers
 * again, not at its next round (until the fix it waited for the round: a second, or here ten
 * minutes), both when its sends were dropped unrun and when one ran unanswered (then the resend
 * finds its answer: "was open", once); and ends past the bound are counted as refused.
 */
class SessionEndsRoundsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration ROUND = Duration.ofMinutes(10);
    private static final Duration STALL_BOUND = Duration.ofSeconds(2);
    /** A send fails past the stall bound (two attempts of a second, a retry interval apart): kept at once. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    @AutoClose
    private final Closing cleanup = new Closing();
    private final Map<RedisMetrics.Kept, AtomicInteger> kept = new ConcurrentHashMap<>();
    private RedisServerProcess redis;
    private RedisKeys keys;

    @Test
    void anEndKeptThroughDroppedSendsGoesAsSoonAsRedisAnswersAgain() throws Exception {
        endKeptThroughAPause(true);
    }

    @Test
    void anEndKeptThroughSendsThatRanLateGoesAsSoonAsRedisAnswersAgain() throws Exception {
        endKeptThroughAPause(false);
    }

    private void endKeptThroughAPause(boolean dropSends) throws Exception {
        SessionEnds ends = start(SessionEnds.MAX_QUEUED);
        SessionKey key = openSession("ws1");
        assertEquals("OK", redis.command("CLIENT", "PAUSE", "60000", "WRITE"));
        CompletableFuture<Boolean> ended;
        try {
            ended = ends.end(key).toCompletableFuture();
            Waits.await(() -> kept.containsKey(RedisMetrics.Kept.KEPT), "the end was never kept", WAIT);
            assertFalse(ended.isDone(), "answered in a pause");
            if (dropSends) {
                redis.command("CLIENT", "KILL", "TYPE", "normal");
            }
        } finally {
            assertEquals("OK", redis.command("CLIENT", "UNPAUSE"));
        }
        Waits.await(ended::isDone, "the kept end waited for its next round (" + ROUND + ") after Redis answered again",
                WAIT);
        assertTrue(ended.join(), "the end found its session open (or its first run's answer)");
        assertEquals("0", redis.command("EXISTS", keys.session(key)));
        assertEquals("{KEPT=1, MADE_LATE=1}", new TreeMap<>(kept).toString(), "the kept ends' meter");
        assertEquals(List.of(), ends.sessions(), "ends unanswered");
    }

    /** Ends past the bound answer false at once and are counted; those within it are made, none lost. */
    @Test
    void endsPastTheBoundAreRefusedAndCounted() throws Exception {
        int bound = 3;
        SessionEnds ends = start(bound);
        List<SessionKey> sessions = new ArrayList<>();
        for (int i = 0; i < bound + 3; i++) {
            sessions.add(openSession("ws" + i));
        }
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        assertEquals("OK", redis.command("CLIENT", "PAUSE", "60000", "WRITE"));
        try {
            // The first goes out at once (in flight, not waiting); the bound's worth wait behind it.
            sessions.forEach(key -> answers.add(ends.end(key).toCompletableFuture()));
            for (int i = 0; i < bound + 1; i++) {
                assertFalse(answers.get(i).isDone(), "end " + i + " answered in a pause");
            }
            for (int i = bound + 1; i < answers.size(); i++) {
                assertEquals(false, answers.get(i).getNow(null), "end " + i + ", past the bound");
            }
            assertEquals("{REFUSED=2}", new TreeMap<>(kept).toString(), "the kept ends' meter");
            assertEquals(bound + 1, ends.sessions().size(), "ends listed as held");
        } finally {
            assertEquals("OK", redis.command("CLIENT", "UNPAUSE"));
        }
        for (int i = 0; i < bound + 1; i++) {
            assertTrue(Waits.join(answers.get(i), WAIT), "end " + i + " within the bound");
        }
        assertEquals(List.of(), ends.sessions(), "ends unanswered");
    }

    /** An engine (whose runtime the ends use) on a fresh Redis, and ends with rounds {@link #ROUND} apart. */
    private SessionEnds start(int maxQueued) {
        redis = RedisServerProcess.start();
        cleanup.add(redis);
        String prefix = RedisTestServer.newKeyPrefix("endrounds");
        keys = new RedisKeys(prefix);
        RedisEngineConfig config = RedisEngineConfig.of(redis.url()).withKeyPrefix(prefix).withStallBound(STALL_BOUND)
                .withTimeouts(COMMAND_TIMEOUT, 1, Duration.ofSeconds(2));
        RedisEngine engine = Waits.join(TestEngines.connect(config, "n1", new RedisMetrics() {
            @Override
            public void keptEnd(Kept outcome) {
                kept.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
            }
        }), WAIT);
        cleanup.add(engine);
        // Given up a minute after queued: the pauses end well before (the config's hold TTL, 3 s, would not).
        return new SessionEnds(engine.runtime(), Duration.ofMinutes(5).toMillis(), STALL_BOUND, Duration.ofMinutes(1),
                ROUND, maxQueued);
    }

    /** An open session as end.lua sees one (its state field). */
    private SessionKey openSession(String id) {
        SessionKey key = new SessionKey("presence", id);
        assertEquals("1", redis.command("HSET", keys.session(key), "st", "o"));
        return key;
    }
}

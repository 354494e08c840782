package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.testing.AdmittingService;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A websocket session whose connection closes while Redis leaves commands unanswered past the
 * stall bound: the end is certain, so once Redis answers again the application must hear of it
 * once (it keeps presence by close notices), and the session's keys must be gone. Until the fix
 * the end was given up at the stall bound: no close notice ever, and the keys lapsed unnoticed at
 * the hold TTL.
 *
 * <p>The two outcomes of "no answer, may have run" (see {@link PollReleaseLostInAStallTest}):
 * sends dropped unrun ({@code CLIENT PAUSE WRITE}, then {@code CLIENT KILL TYPE normal}), and
 * sends that run late (the pause alone, lifted): then the first copy that runs ends the session
 * and a later one must still answer "was open", or the application hears nothing. And a node that
 * stops as Redis answers again makes its kept end before it goes; and the bound: an end unanswered
 * for a hold TTL is given up.
 */
class WebSocketEndLostInAStallTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * The end counts as kept at its first failed send past the bound (4-7 s into the fault, sends
     * ~3 s apart); the keys of the session, opened just before, live the hold TTL: the fault must
     * end before they lapse (at a stall bound of two thirds of it, 6 and 9 s, they lapsed in 5 runs
     * of 8 of the stop case, and the end found nothing to end).
     */
    private static final Duration STALL_BOUND = Duration.ofSeconds(4);
    private static final Duration HOLD_TTL = Duration.ofSeconds(12);
    private static final SessionKey KEY = new SessionKey("presence", "ws1");

    @AutoClose
    private final Closing cleanup = new Closing();

    @Test
    void anEndWhoseSendsWereDroppedUnrunIsSentAgainAndTheApplicationHearsOfItOnce() throws Exception {
        endDuringAFault(DROPPED_UNRUN, RedisMetrics.Kept.KEPT, false);
    }

    @Test
    void anEndWhoseSendsRanLateStillTellsTheApplicationOnce() throws Exception {
        endDuringAFault(redis -> assertEquals("OK", redis.command("CLIENT", "UNPAUSE")), RedisMetrics.Kept.KEPT, false);
    }

    /**
     * The node stops (SIGTERM: its engine closes) as soon as Redis answers again: it makes the kept
     * end before it goes. Without that the close dropped the end waiting for its next send.
     */
    @Test
    void aNodeThatStopsWithAnEndKeptMakesItBeforeItGoes() throws Exception {
        endDuringAFault(DROPPED_UNRUN, RedisMetrics.Kept.KEPT, true);
    }

    /**
     * The bound: an end Redis leaves unanswered for a hold TTL (its session's keys lapsed by then)
     * is given up, and nothing of it is sent or kept any more; the application never hears of it.
     */
    @Test
    void anEndUnansweredForAHoldTtlIsGivenUp() throws Exception {
        endDuringAFault(DROPPED_UNRUN, RedisMetrics.Kept.GIVEN_UP, false);
    }

    /** How writes paused with {@code CLIENT PAUSE WRITE} come back. */
    private interface FaultEnd {
        void end(RedisServerProcess redis) throws Exception;
    }

    /** The nodes' command connections go with what they sent, then writes run again. */
    private static final FaultEnd DROPPED_UNRUN = redis -> {
        redis.command("CLIENT", "KILL", "TYPE", "normal");
        assertEquals("OK", redis.command("CLIENT", "UNPAUSE"));
    };

    /**
     * A websocket session whose client leaves once Redis takes no writes; the fault lasts until the
     * end counts as {@code faultLastsUntil} (kept, or given up).
     */
    private void endDuringAFault(FaultEnd faultEnd, RedisMetrics.Kept faultLastsUntil, boolean stopAsRedisAnswers)
            throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        cleanup.add(redis);
        RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                .withKeyPrefix(RedisTestServer.newKeyPrefix("wsend"))
                .withStallBound(STALL_BOUND)
                .withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofMillis(500), 1, Duration.ofSeconds(2));
        Map<RedisMetrics.Kept, AtomicInteger> keptEnds = new ConcurrentHashMap<>();
        RedisEngine engine = Waits.join(TestEngines.connect(config, "n1", new RedisMetrics() {
            @Override
            public void keptEnd(Kept outcome) {
                keptEnds.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
            }
        }), WAIT);
        // Once the test closes it itself (a node that stops), cleaned up by waiting for that close.
        AtomicReference<CompletableFuture<Void>> stopping = new AtomicReference<>();
        cleanup.add(() -> {
            if (stopping.get() == null) {
                engine.close();
            } else {
                stopping.get().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
        Map<String, AtomicInteger> closeNotices = new ConcurrentHashMap<>();
        SockJsEndpoint presence = new SockJsEndpoint(KEY.scope(), SockJsOptions.defaults(),
                new ClosesCounted(closeNotices));
        String base = SockJsTestPorts.serve(new SockJsHandler(prefix -> CompletableFuture.completedFuture(
                prefix.equals(KEY.scope()) ? Optional.of(presence) : Optional.empty()), engine, engine.nodeId()),
                cleanup);
        SockJsClientSessions clients = new SockJsClientSessions();
        cleanup.add(clients);
        clients.websocket(base.replace("http:", "ws:") + "/" + KEY.scope() + "/000/" + KEY.sessionId() + "/websocket",
                new CopyOnWriteArrayList<>());
        Waits.await(() -> clients.opened() == 1, "the websocket session never opened", WAIT);
        assertEquals(STALL_BOUND, config.stallBound());
        String sessionHash = new RedisKeys(config.keyPrefix()).session(KEY);
        assertEquals("1", redis.command("EXISTS", sessionHash));

        // The client leaves while Redis takes no writes, for longer than the stall bound.
        assertEquals("OK", redis.command("CLIENT", "PAUSE", "60000", "WRITE"));
        try {
            clients.close();
            Waits.await(() -> keptEnds.containsKey(faultLastsUntil), "the end was never counted " + faultLastsUntil,
                    WAIT);
            TimeUnit.MILLISECONDS.sleep(300); // the fault itself, past the end's stall bound
        } finally {
            faultEnd.end(redis);
        }
        if (faultLastsUntil == RedisMetrics.Kept.GIVEN_UP) {
            TimeUnit.SECONDS.sleep(2); // two sends' time, for one to come if the end were still kept
            assertEquals("{}", closeNotices.toString(), "close notices");
            assertEquals("0", redis.command("EXISTS", sessionHash), "the session's hash, lapsed");
            assertEquals("{KEPT=1, GIVEN_UP=1}", new TreeMap<>(keptEnds).toString(), "the kept ends' meter");
            return;
        }
        if (stopAsRedisAnswers) {
            stopping.set(CompletableFuture.runAsync(engine::close));
        }

        Waits.await(() -> closeNotices.containsKey(KEY.sessionId()), "the application never heard of the end",
                WAIT);
        Waits.await(() -> keptEnds.containsKey(RedisMetrics.Kept.MADE_LATE), "the end was never counted as made",
                WAIT);
        TimeUnit.SECONDS.sleep(2); // two more sends' time, for a second notice to come if one would
        assertEquals("{ws1=1}", new TreeMap<>(closeNotices).toString(), "close notices");
        assertEquals("0", redis.command("EXISTS", sessionHash), "the ended session's hash");
        assertEquals("{KEPT=1, MADE_LATE=1}", new TreeMap<>(keptEnds).toString(), "the kept ends' meter");
    }

    /** An application that keeps presence: it counts each session's close notices. */
    private record ClosesCounted(Map<String, AtomicInteger> notices) implements AdmittingService {
        @Override
        public void onClose(SockJsSession session) {
            notices.computeIfAbsent(session.id(), id -> new AtomicInteger()).incrementAndGet();
        }
    }
}

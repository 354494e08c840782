package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.testing.AdmittingService;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.CuttableLink;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A node dies while the end of a websocket session whose client left is not answered yet: the
 * node that takes it over must end the session and tell the application, exactly once (it keeps
 * presence by close notices). The dying node talks to Redis through a {@link CuttableLink}; Redis
 * takes no writes ({@code CLIENT PAUSE WRITE}) while the client leaves and a hold renewal is sent
 * after the end, which rewrote the node's held list without the session (until the fix: ends were
 * not listed); the session's claim is older than a hold TTL, so its claim journal no longer names
 * it either.
 *
 * <p>Both outcomes of "no answer": the end ran and its answer never came (the link drops Redis's
 * answers once writes resume, then is cut: until the fix the taker found the session gone, took it
 * for one that ended normally and told nobody), and the end dropped unrun with its connections.
 */
class DeadNodeUnansweredEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STALL_BOUND = Duration.ofSeconds(4);
    /** The takeover's first pin comes within a few seconds of the death: well before the keys may lapse. */
    private static final Duration HOLD_TTL = Duration.ofSeconds(15);
    private static final SessionKey KEY = new SessionKey("presence", "ws1");

    @AutoClose
    private final Closing cleanup = new Closing();

    @Test
    void anEndThatRanButWhoseAnswerDiedWithTheNodeIsToldOnceByItsTaker() throws Exception {
        dieWithAnEndUnanswered(true);
    }

    @Test
    void anEndDroppedUnrunWithTheDeadNodeIsMadeAndToldOnceByItsTaker() throws Exception {
        dieWithAnEndUnanswered(false);
    }

    private void dieWithAnEndUnanswered(boolean endRuns) throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        cleanup.add(redis);
        CuttableLink link = CuttableLink.to(redis.port());
        cleanup.add(link);
        String prefix = RedisTestServer.newKeyPrefix("deadend");
        RedisEngine taker = Waits.join(TestEngines.connect(config(redis.url(), prefix), "taker"), WAIT);
        cleanup.add(taker);
        Map<String, AtomicInteger> notices = new ConcurrentHashMap<>();
        taker.setExpiryListener(key -> notices.computeIfAbsent("taker:" + key.sessionId(), id -> new AtomicInteger())
                .incrementAndGet());
        RedisEngine dying = Waits.join(TestEngines.connect(
                config("redis://" + redis.host() + ":" + link.port(), prefix), "dying"), WAIT);
        cleanup.add(dying);
        SockJsEndpoint presence = new SockJsEndpoint(KEY.scope(), SockJsOptions.defaults(),
                new ClosesCounted("dying:", notices));
        String base = SockJsTestPorts.serve(new SockJsHandler(scope -> CompletableFuture.completedFuture(
                scope.equals(KEY.scope()) ? Optional.of(presence) : Optional.empty()), dying, dying.nodeId()),
                cleanup);
        SockJsClientSessions clients = new SockJsClientSessions();
        cleanup.add(clients);
        clients.websocket(base.replace("http:", "ws:") + "/" + KEY.scope() + "/000/" + KEY.sessionId() + "/websocket",
                new CopyOnWriteArrayList<>());
        Waits.await(() -> clients.opened() == 1, "the websocket session never opened", WAIT);
        RedisKeys keys = new RedisKeys(prefix);
        // The claim journal expires a hold TTL after the claim: from then on only the held list names the session.
        Waits.await(() -> keys(redis, prefix + "claims:*") == 0, "the claim journal never expired",
                HOLD_TTL.plus(WAIT));
        assertTrue(redis.command("GET", keys.held("dying")).contains(KEY.sessionId()), "listed as held");

        // The client leaves while Redis takes no writes; a hold renewal follows the end.
        assertEquals("OK", redis.command("CLIENT", "PAUSE", "60000", "WRITE"));
        try {
            clients.close();
            Waits.await(() -> dying.unended().contains(KEY), "the end was never queued", WAIT);
            dying.renewHeld();
            // The held list's write: a SET with its TTL (Redisson sends PSETEX), a DEL if it lists nothing.
            Waits.await(() -> blocked(redis, link, "psetex") || blocked(redis, link, "del"),
                    () -> "the renewal after the end never reached Redis: " + redis.command("CLIENT", "LIST"), WAIT);
            if (endRuns) {
                Waits.await(() -> blocked(redis, link, "evalsha"), "the end never reached Redis", WAIT);
                link.deafen();
            } else {
                link.cut();
                Waits.await(() -> !blocked(redis, link, "evalsha") && !blocked(redis, link, "psetex")
                        && !blocked(redis, link, "del"),
                        "Redis kept the dead node's commands", WAIT);
            }
        } finally {
            assertEquals("OK", redis.command("CLIENT", "UNPAUSE"));
        }
        String hash = keys.session(KEY);
        if (endRuns) {
            Waits.await(() -> "0".equals(redis.command("EXISTS", hash)), "the end never ran", WAIT);
            assertEquals("1", redis.command("EXISTS", keys.endOwed(KEY)), "the end's owed mark");
            link.cut();
        }
        long died = System.nanoTime();

        Waits.await(() -> !notices.isEmpty(), () -> "the application never heard of the end (held list: "
                + redis.command("GET", keys.held("dying")) + ")", WAIT);
        System.out.printf("the end of a dead node's session (%s) heard of %d ms after it died%n",
                endRuns ? "ran unanswered" : "dropped unrun", (System.nanoTime() - died) / 1_000_000);
        TimeUnit.SECONDS.sleep(2); // time for a second notice to come, if one would
        assertEquals("{taker:ws1=1}", new TreeMap<>(notices).toString(), "close notices");
        assertEquals("0", redis.command("EXISTS", hash), "the session's hash");
        assertEquals("0", redis.command("EXISTS", keys.endOwed(KEY)), "the end's owed mark, used");
    }

    private static RedisEngineConfig config(String url, String prefix) {
        return RedisEngineConfig.of(url).withKeyPrefix(prefix).withStallBound(STALL_BOUND).withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofMillis(500), 1, Duration.ofSeconds(2));
    }

    private static int keys(RedisServerProcess redis, String pattern) {
        try {
            return RedisProbe.commandList(redis.host(), redis.port(), "KEYS", pattern).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether Redis holds a {@code command} of the link's connections paused. */
    private static boolean blocked(RedisServerProcess redis, CuttableLink link, String command) {
        for (String client : redis.command("CLIENT", "LIST").split("\n")) {
            if (client.contains(" flags=b ") && client.contains(" cmd=" + command + " ")
                    && link.upstreamPorts().stream().anyMatch(port -> client.contains(":" + port + " laddr="))) {
                return true;
            }
        }
        return false;
    }

    /** An application that keeps presence: it counts each session's close notices. */
    private record ClosesCounted(String node, Map<String, AtomicInteger> notices) implements AdmittingService {
        @Override
        public void onClose(SockJsSession session) {
            notices.computeIfAbsent(node + session.id(), id -> new AtomicInteger()).incrementAndGet();
        }
    }
}

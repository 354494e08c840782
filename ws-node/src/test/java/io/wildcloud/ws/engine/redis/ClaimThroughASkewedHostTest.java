package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.PollAskedAt;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by the soak with host clocks that disagree (BENCHMARKS.md, 2026-12-07 10:42 - 11:23): claim.lua
 * compared when the client's request arrived, stamped by the node's own wall clock, with the
 * session's disconnect deadline on Redis's clock. Through a node 45 s ahead, a poll that reached it
 * before the deadline, whose claim ran only after it (a store stall between), ended its session and
 * opened a new one (the soak lost a message so); through a node 60 s behind, a client back after the
 * deadline got the old session back. Now a request's arrival is a monotonic instant
 * ({@code Receiver.askedAtNanos}) the engine maps onto Redis's clock through its last reading of it
 * (NodeRoster.rosterMillisAt): no host's wall clock enters. With the host's wall clock, 2 of these 6
 * cases failed at 45 s ahead and 60 s behind ("expected: <ATTACHED> but was: <OPENED>", "expected:
 * <OPENED> but was: <ATTACHED>"); each case now runs its engines with their host clocks that far off.
 */
class ClaimThroughASkewedHostTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration DISCONNECT_DELAY = Duration.ofMillis(1500);
    /** As in the soak: the poll reached its node just after the release, its claim ran after the deadline. */
    private static final long ASKED_BEFORE_DEADLINE_MS = 1000;
    /** A client back this long after the deadline, inside the claim grace (3 s). */
    private static final long BACK_AFTER_DEADLINE_MS = 1000;


    @ParameterizedTest(name = "host clock {0} ms off Redis's")
    @ValueSource(longs = {0, 45_000, -60_000})
    void aPollAskedBeforeTheDeadlineFindsItsSessionWhateverItsNodesClock(long hostOffsetMs) throws Exception {
        Scenario scenario = releasedWithAMessage(hostOffsetMs);
        try (scenario) {
            long askedAt = scenario.deadline - ASKED_BEFORE_DEADLINE_MS;
            Claim poll = scenario.claimAt(scenario.deadline + 500, askedAt);

            assertEquals(Claim.Outcome.ATTACHED, poll.outcome(), "the poll that came in time found its session");
            assertEquals(List.of(new QueuedMessage(1, "m1")), poll.pending());
            assertEquals(List.of(), List.copyOf(scenario.heard), "sessions heard of as ended");
        }
    }

    @ParameterizedTest(name = "host clock {0} ms off Redis's")
    @ValueSource(longs = {0, 45_000, -60_000})
    void aClientBackAfterTheDeadlineGetsANewSessionWhateverItsNodesClock(long hostOffsetMs) throws Exception {
        Scenario scenario = releasedWithAMessage(hostOffsetMs);
        try (scenario) {
            long backAt = scenario.deadline + BACK_AFTER_DEADLINE_MS;
            Claim late = scenario.claimAt(backAt, backAt);

            assertEquals(Claim.Outcome.OPENED, late.outcome(), "a client back after the deadline gets a new session");
            assertEquals(List.of(scenario.key), List.copyOf(scenario.heard), "the old session heard of as ended");
        }
    }

    /** Redis, two nodes, a polling session released with its disconnect delay and a message queued since. */
    private static Scenario releasedWithAMessage(long hostOffsetMs) throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), RedisTestServer.newKeyPrefix("claim-skewed"));
        Scenario scenario = new Scenario(redis, config, Waits.join(TestEngines.connect(config, "first"), WAIT),
                Waits.join(TestEngines.connect(config, "skewed",
                        Clock.offset(Clock.systemUTC(), Duration.ofMillis(hostOffsetMs))), WAIT));
        scenario.first.setExpiryListener(scenario.heard::add);
        scenario.skewed.setExpiryListener(scenario.heard::add);
        ReceiverId held = new ReceiverId("first", 1);
        assertEquals(Claim.Outcome.OPENED, Waits.join(scenario.first.claim(scenario.key, ClaimMode.POLL,
                Creation.CREATE_IF_MISSING, PollAskedAt.at(held, System.currentTimeMillis())), WAIT).outcome());
        long releasedAt = System.currentTimeMillis();
        Waits.join(scenario.first.release(scenario.key, held, 0, DISCONNECT_DELAY), WAIT);
        scenario.deadline = releasedAt + DISCONNECT_DELAY.toMillis(); // Redis's is a little later
        assertEquals(EnqueueResult.QUEUED, Waits.join(scenario.first.enqueue(scenario.key, List.of("m1")), WAIT));
        return scenario;
    }

    private static final class Scenario implements AutoCloseable {
        final RedisServerProcess redis;
        final RedisEngineConfig config;
        final RedisEngine first;
        final RedisEngine skewed;
        final SessionKey key = new SessionKey("echo", "polling");
        final List<SessionKey> heard = new CopyOnWriteArrayList<>();
        long deadline;

        Scenario(RedisServerProcess redis, RedisEngineConfig config, RedisEngine first, RedisEngine skewed) {
            this.redis = redis;
            this.config = config;
            this.first = first;
            this.skewed = skewed;
        }

        /** The skewed node's claim, sent at {@code sendAt} (this host's clock) with its request's arrival stamped {@code askedAt}. */
        Claim claimAt(long sendAt, long askedAt) throws Exception {
            TimeUnit.MILLISECONDS.sleep(Math.max(0, sendAt - System.currentTimeMillis()));
            Claim claim = Waits.join(skewed.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING,
                    PollAskedAt.at(new ReceiverId("skewed", 2), askedAt)), WAIT);
            ClaimOnItsWayAtTheDeadlineTest.assumeInTheGrace(System.currentTimeMillis() - deadline, config);
            return claim;
        }

        @Override
        public void close() {
            skewed.close();
            first.close();
            redis.close();
        }
    }
}

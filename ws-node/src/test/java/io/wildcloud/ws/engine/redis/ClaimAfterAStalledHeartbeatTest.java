package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.PollAskedAt;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * review5: the node reads Redis's clock at each heartbeat; one sent as a stall began and answered
 * after it put the node's reckoning of that clock ahead by the stall, so a poll that arrived before
 * its session's deadline, claimed just after it, ended the session and opened a new one (the
 * failure the claim's arrival on Redis's clock was to fix). Such a reading is not taken now.
 */
class ClaimAfterAStalledHeartbeatTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long DISCONNECT_DELAY_MS = 4500;
    private static final long STALL_MS = 3500;

    @Test
    void aPollThatArrivedInTimeFindsItsSessionAfterAHeartbeatSpannedAStall() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), RedisTestServer.newKeyPrefix("stalled-beat"))
                    .withTimeouts(Duration.ofSeconds(8), 1, Duration.ofSeconds(2));
            try (RedisEngine engine = Waits.join(TestEngines.connect(config, "n1"), WAIT)) {
                SessionKey key = new SessionKey("echo", "polling");
                ReceiverId held = new ReceiverId("n1", 1);
                assertEquals(Claim.Outcome.OPENED, Waits.join(engine.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING,
                        PollAskedAt.at(held, System.currentTimeMillis())), WAIT).outcome());
                long releasedAt = System.currentTimeMillis();
                Waits.join(engine.release(key, held, 0, Duration.ofMillis(DISCONNECT_DELAY_MS)), WAIT);
                assertEquals(EnqueueResult.QUEUED, Waits.join(engine.enqueue(key, List.of("m1")), WAIT));
                long deadline = releasedAt + DISCONNECT_DELAY_MS; // this host's clock is Redis's here

                engine.stopClusterWatch(); // only the heartbeat below reads the clock
                redis.suspend();
                CompletionStage<Void> beat = engine.heartbeat();
                TimeUnit.MILLISECONDS.sleep(STALL_MS);
                redis.resume();
                Waits.join(beat, WAIT);
                System.out.println("the node's reckoning of Redis's clock for arrivals is "
                        + (engine.clock().arrivalAt(System.nanoTime()) - System.currentTimeMillis()) + " ms off");

                TimeUnit.MILLISECONDS.sleep(Math.max(0, deadline + 300 - System.currentTimeMillis()));
                Claim poll = Waits.join(engine.claim(key, ClaimMode.POLL, Creation.CREATE_IF_MISSING,
                        PollAskedAt.at(new ReceiverId("n1", 2), deadline - 1000)), WAIT);
                assertEquals(Claim.Outcome.ATTACHED, poll.outcome(), "the poll that came in time found its session");
            }
        }
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node whose process died and came back under the same node id (docker-compose's fixed
 * {@code WS_NODE_ID}, a Kubernetes pod name) before any node judged it dead: its presence is back,
 * yet the receivers of the process before it are gone. A client of one of the dead process's
 * sessions that polls another node must get the slot, not {@code c[2010]} after its busy retries;
 * a receiver of the new process still keeps it. Before, presence per node id made the dead
 * process's receivers look alive.
 */
class NodeRestartedUnderItsIdTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String RESTARTED = "restarted";

    @Test
    void anotherNodeTakesTheSlotOfTheProcessBeforeTheRestartButNotOfTheNewOne() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("same-id");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine before = Waits.join(TestEngines.connect(config, RESTARTED), WAIT)) {
                SessionKey old = new SessionKey("echo", "old");
                Claim held = Waits.join(before.claim(old, ClaimMode.STREAM, Creation.CREATE_IF_MISSING,
                        receiver(new ReceiverId(RESTARTED, 1))), WAIT);
                assertEquals(Claim.Outcome.OPENED, held.outcome());

                // The new process subscribes before the old one's connections are gone: no scan
                // ever finds the node id absent, so no takeover runs.
                long firstOfNew = ReceiverId.firstOfProcessStartedAt(System.currentTimeMillis() + 1);
                try (RedisEngine after = Waits.join(TestEngines.connect(config, RESTARTED, firstOfNew), WAIT)) {
                    before.redisson().shutdown(0, 1, TimeUnit.SECONDS);

                    ReceiverId poller = new ReceiverId("living", 1);
                    Claim polled = Waits.join(living.claim(old, ClaimMode.STREAM, Creation.EXISTING_ONLY,
                            receiver(poller)), WAIT);
                    assertEquals(Claim.Outcome.ATTACHED, polled.outcome(), "the dead process's receiver looked alive");
                    assertEquals(poller.encode(), redis.command("HGET", keys.session(old), "h"), "its holder");

                    SessionKey fresh = new SessionKey("echo", "fresh");
                    assertEquals(Claim.Outcome.OPENED, Waits.join(after.claim(fresh, ClaimMode.STREAM,
                            Creation.CREATE_IF_MISSING, receiver(new ReceiverId(RESTARTED, firstOfNew + 1))), WAIT)
                            .outcome());
                    assertEquals(Claim.Outcome.BUSY, Waits.join(living.claim(fresh, ClaimMode.STREAM,
                            Creation.EXISTING_ONLY, receiver(new ReceiverId("living", 2))), WAIT).outcome(),
                            "the new process's receiver was taken for dead");
                }
            }
        }
    }

    private static CollectingReceiver receiver(ReceiverId id) {
        return new CollectingReceiver(id, new CopyOnWriteArrayList<>());
    }
}

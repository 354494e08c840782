package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An operator's mistake: a second process started under the node id of one that is alive (two
 * replicas given one fixed {@code WS_NODE_ID}). Before, it started: it wrote its process key, so
 * every node took the live process's receivers for dead and claimed their sessions from under
 * them, and it took the live process over as its own dead predecessor, ending its sessions. Now it
 * refuses to start, and says why.
 */
class TwoProcessesUnderOneIdTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TWIN = "twin";

    @Test
    void aSecondProcessUnderALiveNodesIdRefusesToStartAndLeavesItsSessionsAlone() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            String prefix = RedisTestServer.newKeyPrefix("twin-id");
            RedisKeys keys = new RedisKeys(prefix);
            RedisEngineConfig config = RedisSessionStoreTest.testConfig(redis.url(), prefix)
                    .withTimeouts(Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            try (RedisEngine living = Waits.join(TestEngines.connect(config, "living"), WAIT);
                    RedisEngine first = Waits.join(TestEngines.connect(config, TWIN), WAIT)) {
                first.setExpiryListener(key -> { });
                living.setExpiryListener(key -> { });
                SessionKey served = new SessionKey("echo", "served");
                String holder = new ReceiverId(TWIN, first.firstReceiver() + 1).encode();
                assertEquals(Claim.Outcome.OPENED, Waits.join(first.claim(served, ClaimMode.STREAM,
                        Creation.CREATE_IF_MISSING, receiver(ReceiverId.decode(holder))), WAIT).outcome());
                Waits.join(first.renewHeld(), WAIT);

                RedisEngine second = null;
                try {
                    second = TestEngines.connect(config, TWIN).toCompletableFuture()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    second.setExpiryListener(key -> { });
                    Thread.sleep(3_000); // its first scans: a self-takeover would run now
                } catch (ExecutionException | CompletionException refused) {
                    String message = String.valueOf(refused.getCause().getMessage());
                    System.out.println("the second process: " + message);
                    assertTrue(message.contains("node id " + TWIN + " is in use"), message);
                }
                try {
                    assertEquals(holder, redis.command("HGET", keys.session(served), "h"),
                            "the live process's session was taken from it");
                    assertEquals(Claim.Outcome.BUSY, Waits.join(living.claim(served, ClaimMode.STREAM,
                            Creation.EXISTING_ONLY, receiver(new ReceiverId("living", 1))), WAIT).outcome(),
                            "the live process's receiver was taken for dead");
                    if (second != null) {
                        fail("a second process started under the live node id " + TWIN);
                    }
                } finally {
                    if (second != null) {
                        second.close();
                    }
                }
            }
        }
    }

    private static CollectingReceiver receiver(ReceiverId id) {
        return new CollectingReceiver(id, new CopyOnWriteArrayList<>());
    }
}

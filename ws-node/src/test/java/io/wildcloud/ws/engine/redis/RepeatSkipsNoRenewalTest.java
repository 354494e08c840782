package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.CollectingReceiver;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Review finding (review8): a request id's repeat is answered by publish.lua from the first
 * publish's memory without running the publish (no PTTL, no renewal), yet the node records the
 * socket as checked when the part asked for a check ({@link RenewalChecks#checked}). Publishes in
 * the next half slack then skip the check, so a socket that needed its renewal does not get it:
 * it may expire sooner than the idle timeout after its last use. The repeat mark (renewed 2) lets
 * the node tell such an answer apart and leave the record as it was.
 */
class RepeatSkipsNoRenewalTest {

    private static final Duration IDLE = Duration.ofMinutes(2); // slack 7.5 s: checks skip for 3.75 s

    @Test
    void aRepeatThatCheckedNothingDoesNotExcuseTheNextPublishFromItsCheck() throws Exception {
        String prefix = RedisTestServer.newKeyPrefix("repeat-renewal");
        RedisEngine engine = RedisEngine.start(RedisSessionStoreTest.testConfig(RedisTestServer.shared().url(), prefix),
                "n1", IDLE).toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            String socket = engine.authorize("app", "client", URI.create("http://127.0.0.1:9/one"))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS).socket().socketId();
            // A live session in the socket's index: only a publish that queued is remembered for its request id.
            assertTrue(engine.addSession(socket, "s", 5).toCompletableFuture().get(30, TimeUnit.SECONDS)
                    == SessionRegistration.ADDED);
            engine.claim(new SessionKey(socket, "s"), ClaimMode.STREAM, Creation.CREATE_ONLY_IN_LIVE_SCOPE,
                    new CollectingReceiver(new ReceiverId(engine.nodeId(), 1), new CopyOnWriteArrayList<>()))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            Publication first = engine.publish(socket, null, "m1", "request-1")
                    .toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();
            assertFalse(first.repeat());
            assertTrue(first.queued() == 1, "the first publish queued: " + first);
            // Past the half slack: the socket's next publish is due for a check.
            TimeUnit.MILLISECONDS.sleep(IDLE.toMillis() / 32 + 500);
            String key = (String) new RedisKeys(prefix).socketKeys(socket).get(0);
            // Less left than idle + slack / 2: a check renews it to idle + slack.
            engine.redisson().getMap(key).expire(Duration.ofSeconds(60));

            Publication repeat = engine.publish(socket, null, "m1", "request-1")
                    .toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();
            assertTrue(repeat.repeat());
            engine.publish(socket, null, "m2", null).toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();

            long ttl = engine.redisson().getKeys().remainTimeToLive(key);
            assertTrue(ttl > IDLE.toMillis(), "the socket lives " + ttl + " ms after a publish, less than the idle"
                    + " timeout: the repeat before it was taken for a check, so this publish skipped its own");
        } finally {
            engine.close();
        }
    }
}

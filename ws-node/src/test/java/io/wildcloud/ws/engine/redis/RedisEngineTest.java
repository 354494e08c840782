package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.push.Authorization;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import io.wildcloud.ws.testing.FreePorts;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisEngineTest {

    @Test
    void sessionsAndSocketsAreOneEngineOnOneRedis() throws Exception {
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(RedisTestServer.shared().url(),
                RedisTestServer.newKeyPrefix("engine"));
        try (RedisEngine engine = RedisEngine.start(config, "n1", Duration.ofMinutes(5)).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)) {
            assertEquals("redis", engine.name());
            assertNull(engine.problem());
            Authorization authorization = engine
                    .authorize("app", "client-1", URI.create("http://127.0.0.1:1/callback"))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(engine.find(authorization.socket().socketId()).toCompletableFuture().get().isPresent());
            assertEquals(SessionStatus.NOT_FOUND, engine
                    .status(new SessionKey(authorization.socket().socketId(), "s1")).toCompletableFuture().get());
        }
    }

    @Test
    void unreachableRedisFailsTheStartWithStoreUnavailable() {
        int port = FreePorts.next(false);
        RedisEngineConfig config = RedisEngineConfig.of("redis://127.0.0.1:" + port)
                .withTimeouts(Duration.ofMillis(300), 0, Duration.ofMillis(300));
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> RedisEngine.start(config, "n1", Duration.ofMinutes(5)).toCompletableFuture()
                        .get(20, TimeUnit.SECONDS));
        assertInstanceOf(StoreUnavailableException.class, failure.getCause());
    }
}

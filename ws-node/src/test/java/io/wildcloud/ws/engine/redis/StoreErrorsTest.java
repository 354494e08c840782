package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StoreErrorsTest {

    @Test
    void redissonCommandParametersNeverReachTheMessage() {
        String timeout = "org.redisson.client.RedisTimeoutException: Command execution timeout for command:"
                + " (EVALSHA), params: [abc123, 2, ws:{Q2h1bmt5LXJhbmRvbS0xOTItYml0LWlk}:s, hello], Redis client:"
                + " [addr=redis://127.0.0.1:6380]";
        assertEquals("org.redisson.client.RedisTimeoutException: Command execution timeout for command:"
                + " (EVALSHA), params: <redacted>, Redis client: [addr=redis://127.0.0.1:6380]",
                StoreErrors.redacted(timeout));
        assertEquals("x params: <redacted>", StoreErrors.redacted("x params: [a, b"));
        assertEquals("connection refused", StoreErrors.redacted("connection refused"));
    }
}

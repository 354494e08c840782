package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void singleServerWithPasswordAndDatabase() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://:s%40cret@cache.local:6380/2");
        assertEquals(RedisEndpoint.Mode.SINGLE, endpoint.mode());
        assertEquals(List.of("redis://cache.local:6380"), endpoint.addresses());
        assertEquals("s@cret", endpoint.password());
        assertNull(endpoint.username());
        assertEquals(2, endpoint.database());
        assertFalse(endpoint.toString().contains("s@cret"));
    }

    @Test
    void tlsAndDefaultPort() {
        RedisEndpoint endpoint = RedisEndpoint.parse("rediss://user:pw@cache.local");
        assertEquals(List.of("rediss://cache.local:6379"), endpoint.addresses());
        assertEquals("user", endpoint.username());
        assertEquals("pw", endpoint.password());
    }

    @Test
    void sentinelsWithMasterName() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis-sentinel://s1:26380,s2/mymaster/1");
        assertEquals(RedisEndpoint.Mode.SENTINEL, endpoint.mode());
        assertEquals(List.of("redis://s1:26380", "redis://s2:26379"), endpoint.addresses());
        assertEquals("mymaster", endpoint.masterName());
        assertEquals(1, endpoint.database());
    }

    @Test
    void sentinelsWithMasterNameBeforeTheHosts() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis-sentinel://mymaster@s1:26380,s2:26381");
        assertEquals(RedisEndpoint.Mode.SENTINEL, endpoint.mode());
        assertEquals("mymaster", endpoint.masterName());
        assertNull(endpoint.password());
        assertEquals(List.of("redis://s1:26380", "redis://s2:26381"), endpoint.addresses());
        RedisEndpoint withPassword = RedisEndpoint.parse("redis-sentinel://:pw@s1/mymaster");
        assertEquals("mymaster", withPassword.masterName());
        assertEquals("pw", withPassword.password());
    }

    @Test
    void clusterSeeds() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis-cluster://10.0.0.1:7000,10.0.0.2:7001");
        assertEquals(RedisEndpoint.Mode.CLUSTER, endpoint.mode());
        assertEquals(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7001"), endpoint.addresses());
        assertTrue(RedisEngineConfig.of("redis-cluster://10.0.0.1:7000").shardedPubSub());
        assertFalse(RedisEngineConfig.of("redis://10.0.0.1:7000").shardedPubSub());
    }

    @Test
    void badUrlsNameTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("cache.local:6379"));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("http://cache.local"));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("redis-sentinel://s1:26379"));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("redis://h:1/x"));
        assertThrows(IllegalArgumentException.class,
                () -> RedisEngineConfig.of("redis://h:1").withKeyPrefix("a{b}"));
    }

    @Test
    void errorsNeverEchoThePassword() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RedisEndpoint.parse("redis://:hunter2@cache.local:6379/notanumber"));
        assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
        assertTrue(bad.getMessage().contains("redis://<redacted>@cache.local:6379/notanumber"), bad.getMessage());
        assertEquals("redis://host:1", RedisEndpoint.redact("redis://host:1"));
    }
}

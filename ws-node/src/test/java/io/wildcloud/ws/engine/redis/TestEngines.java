package io.wildcloud.ws.engine.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Starts Redis engines for tests whose sockets' idle timeout does not matter. */
final class TestEngines {

    static final Duration SOCKET_IDLE_TIMEOUT = Duration.ofMinutes(5);

    private TestEngines() {
    }

    static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId) {
        return RedisEngine.start(config, nodeId, SOCKET_IDLE_TIMEOUT);
    }

    /** A process on a host whose clock is {@code hostClock} (ahead of or behind the others'). */
    static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId, Clock hostClock) {
        return RedisEngine.start(config, nodeId, SOCKET_IDLE_TIMEOUT, RedisMetrics.NONE, null, hostClock);
    }

    static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId, RedisMetrics metrics) {
        return RedisEngine.start(config, nodeId, SOCKET_IDLE_TIMEOUT, metrics);
    }

    static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId, RedisMetrics metrics,
            SharedEventLoops eventLoops) {
        return RedisEngine.start(config, nodeId, SOCKET_IDLE_TIMEOUT, metrics, eventLoops);
    }
}

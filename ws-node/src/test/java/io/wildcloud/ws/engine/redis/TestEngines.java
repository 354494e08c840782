package io.wildcloud.ws.engine.redis;

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

    /** A process whose receivers are numbered above {@code firstReceiver} (one restarted under the same id). */
    static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId, long firstReceiver) {
        return RedisEngine.start(config, nodeId, SOCKET_IDLE_TIMEOUT, RedisMetrics.NONE, null, firstReceiver);
    }

    static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId, RedisMetrics metrics) {
        return RedisEngine.start(config, nodeId, SOCKET_IDLE_TIMEOUT, metrics);
    }

    static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId, RedisMetrics metrics,
            SharedEventLoops eventLoops) {
        return RedisEngine.start(config, nodeId, SOCKET_IDLE_TIMEOUT, metrics, eventLoops);
    }
}

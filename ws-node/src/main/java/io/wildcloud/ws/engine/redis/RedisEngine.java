package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.engine.Engine;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The engine of a cluster: SockJS sessions and push sockets in Redis, on one Redisson client,
 * under one key prefix, so that any node can serve any request.
 */
public final class RedisEngine implements Engine {

    private final RedisSessionStore sessions;
    private final RedisSocketStore sockets;

    private RedisEngine(RedisSessionStore sessions, RedisSocketStore sockets) {
        this.sessions = sessions;
        this.sockets = sockets;
    }

    /**
     * Connects to Redis (blocking while Redisson connects: call at start-up, not on an event loop)
     * and starts the stores; fails with {@code StoreUnavailableException} if Redis cannot be reached.
     *
     * @param nodeId this node's id, unique in the cluster
     * @param socketIdleTimeout how long a push socket lives unused
     */
    public static CompletionStage<RedisEngine> start(RedisEngineConfig config, String nodeId,
            Duration socketIdleTimeout) {
        return start(config, nodeId, socketIdleTimeout, RedisMetrics.NONE);
    }

    /** As {@link #start(RedisEngineConfig, String, Duration)}, telling {@code metrics} of script calls and subscriptions. */
    public static CompletionStage<RedisEngine> start(RedisEngineConfig config, String nodeId,
            Duration socketIdleTimeout, RedisMetrics metrics) {
        return start(config, nodeId, socketIdleTimeout, metrics, null);
    }

    /**
     * As {@link #start(RedisEngineConfig, String, Duration, RedisMetrics)}, with the Redis client's
     * connections on the node's {@code eventLoops} (its own threads if null); close the engine
     * before shutting them down.
     */
    public static CompletionStage<RedisEngine> start(RedisEngineConfig config, String nodeId,
            Duration socketIdleTimeout, RedisMetrics metrics, SharedEventLoops eventLoops) {
        return RedisSessionStore.connect(config, nodeId, metrics, eventLoops).thenApply(sessions -> new RedisEngine(sessions,
                new RedisSocketStore(sessions, socketIdleTimeout)));
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public SocketStore sockets() {
        return sockets;
    }

    /**
     * What is wrong with Redis as the last sweep found it (unreachable, or this node's presence
     * subscription lost), or {@code null}.
     */
    @Override
    public String problem() {
        return sessions.problem();
    }

    /** Stops the stores and the Redisson client. */
    @Override
    public void close() {
        sessions.close();
    }
}

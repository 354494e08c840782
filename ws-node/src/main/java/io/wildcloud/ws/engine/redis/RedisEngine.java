package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.engine.Engine;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The cluster engine: sessions and sockets in one Redis (single, Sentinel or Cluster), shared by
 * every node, so that any node serves any request. One Redisson client serves both stores.
 */
public final class RedisEngine implements Engine {

    private final RedisSessionStore sessions;
    private final RedisSocketStore sockets;

    private RedisEngine(RedisSessionStore sessions, RedisSocketStore sockets) {
        this.sessions = sessions;
        this.sockets = sockets;
    }

    /** Connects (the returned stage completes once scripts are loaded and the node's channel is subscribed). */
    public static CompletionStage<RedisEngine> connect(RedisEngineConfig config, String nodeId,
                                                       Duration socketIdleTimeout) {
        return RedisSessionStore.connect(config, nodeId).thenApply(store -> new RedisEngine(store,
                new RedisSocketStore(store.redisson(), config.keyPrefix(), socketIdleTimeout)));
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

    @Override
    public String problem() {
        return sessions.problem();
    }

    @Override
    public void close() {
        sessions.close();
    }
}

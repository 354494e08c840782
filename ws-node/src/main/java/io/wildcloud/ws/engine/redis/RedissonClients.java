package io.wildcloud.ws.engine.redis;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.SubscriptionMode;
import org.redisson.config.TransportMode;
import org.redisson.connection.ConnectionListener;

/** Builds the Redisson client of a {@link RedisEngineConfig}. */
public final class RedissonClients {

    private RedissonClients() {
    }

    /**
     * The Redisson configuration for {@code config}; {@code name} becomes the connections' client
     * name (CLIENT LIST shows it).
     */
    public static Config configFor(RedisEngineConfig config, String name, ConnectionListener connectionListener) {
        return configFor(config, name, connectionListener, null);
    }

    /** As {@link #configFor(RedisEngineConfig, String, ConnectionListener)}, on {@code eventLoops} if not null. */
    static Config configFor(RedisEngineConfig config, String name, ConnectionListener connectionListener,
            SharedEventLoops eventLoops) {
        Config redisson = new Config();
        RedisEndpoint endpoint = config.endpoint();
        if (endpoint.password() != null) {
            redisson.setPassword(endpoint.password());
        }
        if (endpoint.username() != null) {
            redisson.setUsername(endpoint.username());
        }
        // Redis work here is small and never blocks: a few threads (see RedisEngineConfig) suffice.
        if (eventLoops != null) {
            redisson.setEventLoopGroup(eventLoops.group());
            redisson.setTransportMode(eventLoops.nativeEpoll() ? TransportMode.EPOLL : TransportMode.NIO);
        } else {
            redisson.setNettyThreads(config.clientThreads());
        }
        // Listeners run on the I/O thread that decoded their message (see InlineExecutor).
        redisson.setExecutor(new InlineExecutor());
        // The engine stores strings only, never Redisson objects: skip the reflective check of every
        // command argument for references to them (a visible share of a publish's CPU otherwise).
        redisson.setReferenceEnabled(false);
        if (connectionListener != null) {
            redisson.setConnectionListener(connectionListener);
        }
        BaseConfig<?> base = switch (endpoint.mode()) {
            case SINGLE -> redisson.useSingleServer()
                    .setAddress(endpoint.addresses().get(0))
                    .setDatabase(endpoint.database());
            case SENTINEL -> redisson.useSentinelServers()
                    .setMasterName(endpoint.masterName())
                    .addSentinelAddress(endpoint.addresses().toArray(String[]::new))
                    .setDatabase(endpoint.database())
                    // Presence checks count subscribers with PUBLISH on the master: subscribe there.
                    .setSubscriptionMode(SubscriptionMode.MASTER);
            case CLUSTER -> redisson.useClusterServers()
                    .addNodeAddress(endpoint.addresses().toArray(String[]::new))
                    .setSubscriptionMode(SubscriptionMode.MASTER);
        };
        base.setTimeout((int) config.commandTimeout().toMillis())
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setRetryAttempts(config.retryAttempts())
                .setClientName(name);
        return redisson;
    }

    /** Connects a Redisson client (blocks while connecting: call at start-up, not on an event loop). */
    public static RedissonClient create(RedisEngineConfig config, String name, ConnectionListener connectionListener) {
        return create(config, name, connectionListener, null);
    }

    /** As {@link #create(RedisEngineConfig, String, ConnectionListener)}, on {@code eventLoops} if not null. */
    static RedissonClient create(RedisEngineConfig config, String name, ConnectionListener connectionListener,
            SharedEventLoops eventLoops) {
        return Redisson.create(configFor(config, name, connectionListener, eventLoops));
    }
}

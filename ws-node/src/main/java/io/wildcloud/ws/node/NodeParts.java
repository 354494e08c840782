package io.wildcloud.ws.node;

import io.netty.channel.EventLoopGroup;
import io.wildcloud.ws.engine.Engine;
import io.wildcloud.ws.engine.memory.MemoryEngine;
import io.wildcloud.ws.engine.redis.RedisEngine;
import io.wildcloud.ws.engine.redis.RedisEngineConfig;
import io.wildcloud.ws.engine.redis.SharedEventLoops;
import io.wildcloud.ws.node.config.ApiSecurity;
import io.wildcloud.ws.node.config.ConfigException;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.metrics.CallbackMeters;
import io.wildcloud.ws.node.metrics.NodeMetrics;
import io.wildcloud.ws.node.metrics.PushMeters;
import io.wildcloud.ws.node.metrics.RedisMeters;
import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackDispatcher;
import io.wildcloud.ws.push.callback.CallbackPolicy;
import io.wildcloud.ws.push.module.PushModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's engine and push service, made from its settings (a bad setting is a {@link ConfigException}). */
final class NodeParts {

    // The node's logger: these lines are the node's start-up, as before.
    private static final Logger log = LoggerFactory.getLogger(WsNode.class);
    /** How long a stopped start waits for an engine still starting, to close it. */
    private static final Duration ENGINE_CLOSE_WAIT = Duration.ofSeconds(5);

    private NodeParts() {
    }

    /** The engine; a stop asked for while Redis is still being reached ends the wait (the engine is closed once made). */
    static Engine engine(NodeConfig config, NodeMetrics metrics, SharedEventLoops eventLoops, StopRequest stop) {
        if (!config.usesRedis()) {
            return new MemoryEngine(config.maxQueuedMessages(), config.maxQueuedBytes(),
                    new NewSocketQuota(config.maxNewSocketsPerApplication(), config.socketIdleTimeout(),
                            config.maxNewSocketBytesPerApplication()), config.maxNewSocketBytesPerNode());
        }
        RedisEngineConfig redis;
        try {
            redis = RedisEngineConfig.of(config.redisUrl())
                    .withKeyPrefix(config.redisKeyPrefix())
                    .withStallBound(config.redisStallBound())
                    .withMaxQueueLength(config.maxQueuedMessages())
                    .withMaxQueueBytes(config.maxQueuedBytes())
                    .withMaxNewSocketsPerApplication(config.maxNewSocketsPerApplication())
                    .withMaxNewSocketBytesPerApplication(config.maxNewSocketBytesPerApplication());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid setting redis-url, redis-key-prefix or redis-stall-bound: "
                    + e.getMessage());
        }
        try {
            // Start-up may wait for Redis: a node that cannot reach it at start does not start.
            CompletableFuture<RedisEngine> starting = RedisEngine.start(redis, config.nodeId(),
                    config.socketIdleTimeout(), new RedisMeters(metrics.registry(), config.metricsHistograms()),
                    eventLoops).toCompletableFuture();
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            try (StopRequest.Registration forget = stop.whileStarting("redis", () -> stopped.complete(null))) {
                CompletableFuture.anyOf(starting, stopped).get(30, TimeUnit.SECONDS);
            }
            if (stop.requested()) {
                closeOnceStarted(starting);
                stop.checkBefore("the engine started");
            }
            return starting.get();
        } catch (StopRequest.StartStopped e) {
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            if (e.getCause() instanceof io.wildcloud.ws.engine.redis.NodeIdInUseException inUse) {
                throw inUse; // Redis was reached: the node id is what is wrong
            }
            throw new IllegalStateException("cannot connect to Redis at " + redis.endpoint() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Redis", e);
        }
    }

    /**
     * Closes an engine still starting when the start is stopped, before the node's event loops
     * (its connections run on them) shut down; one that cannot reach Redis is left to the exit.
     */
    private static void closeOnceStarted(CompletableFuture<RedisEngine> starting) {
        try {
            starting.get(ENGINE_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS).close();
        } catch (ExecutionException failed) {
            // a failed start has closed itself
        } catch (TimeoutException e) {
            log.warn("Redis engine still starting {} after the stop: left to the exit", ENGINE_CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static PushModule push(NodeConfig config, Engine engine, NodeMetrics metrics, EventLoopGroup loops) {
        List<String> applications = new ArrayList<>(config.applications());
        if (config.demo()) {
            applications.add(WsNode.DEMO_APPLICATION);
            log.warn("demo application enabled with the well-known secret 'demo-application-secret': for local trials only");
        }
        if (applications.isEmpty()) {
            log.warn("no applications configured (setting applications=name:secret,...): every authorize will get 403");
        }
        CallbackPolicy callbacks = CallbackPolicy.defaults();
        ApiSecurity security = config.apiSecurity();
        callbacks = new CallbackPolicy(config.callbackTimeout(), config.callbackRetryBudget(),
                callbacks.initialBackoff(), callbacks.maxBackoff(), config.callbackConcurrency(),
                config.callbackConcurrencyPerApplication(), callbacks.maxConnectionsPerHost(), security.callbackMaxResponseBytes(),
                CallbackAddresses.allowing(security.callbackAllowNetworks()), config.callbackBacklogBytes(),
                config.callbackBacklogBytesPerApplication());
        if (!security.callbackAllowNetworks().isEmpty()) {
            log.warn("callbacks may reach {} (setting callback-allow-networks): for local trials and tests only",
                    security.callbackAllowNetworks());
        }
        PushLimits limits = PushLimits.defaults()
                .withMaxMessageBytes(config.sockJs().maxMessageBytes())
                .withMaxSessionsPerSocket(config.sessionsPerSocket())
                .withNewSessions(config.newSessionsPerSecond(), config.newSessionBurst())
                .withSocketIdleTimeout(config.socketIdleTimeout())
                .withMaxPublishTargets(config.maxPublishTargets())
                .withPublishBytes(config.applicationPublishBytesPerSecond(), config.applicationPublishByteBurst())
                .withMaxRequestIdsPerApplication(config.maxRequestIdsPerApplication())
                .withCallback(callbacks);
        ApplicationRegistry registry;
        try {
            registry = ApplicationRegistry.fromEntries(applications);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid setting applications: " + e.getMessage());
        }
        CallbackMeters callbackMeters = new CallbackMeters(metrics.registry(), config.metricsHistograms());
        PushModule push = new PushModule(registry, engine, engine, limits, config.sockJs(),
                new CallbackDispatcher(limits.callback(), callbackMeters, loops), callbackMeters,
                new PushMeters(metrics.registry(), config.metricsHistograms()), security.requireAuth());
        callbackMeters.bind(push.callbackStats());
        return push;
    }
}

package io.wildcloud.ws.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.wildcloud.ws.engine.Engine;
import io.wildcloud.ws.engine.redis.SharedEventLoops;
import io.wildcloud.ws.node.config.ConfigException;
import io.wildcloud.ws.node.config.InfoRequest;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.node.http.ClientErrorLog;
import io.wildcloud.ws.node.http.ConnectionGuards;
import io.wildcloud.ws.node.http.DrainingConnections;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.HttpServer;
import io.wildcloud.ws.node.http.NetworkTransport;
import io.wildcloud.ws.node.http.WriteBacklogLimit;
import io.wildcloud.ws.node.http.WriteMemory;
import io.wildcloud.ws.node.metrics.EdgeMeters;
import io.wildcloud.ws.node.metrics.MetricsHandler;
import io.wildcloud.ws.node.metrics.NodeMetrics;
import io.wildcloud.ws.node.metrics.SockJsMeters;
import io.wildcloud.ws.push.SocketExpiryWatch;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.http.ClientScriptHandler;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.testmode.ProtocolTestEndpoints;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node: the public port (SockJS for browsers) and the API port (for applications and
 * operators), over an engine that is in memory by default or Redis when {@code redis-url} is set.
 */
public final class WsNode implements AutoCloseable {

    /** The demo application's well-known secret ({@code --demo}): for trying the service locally only. */
    public static final String DEMO_APPLICATION = "demo:demo-application-secret";

    private static final Logger log = LoggerFactory.getLogger(WsNode.class);
    /**
     * How long a SIGTERM during the start waits for the start to close what it built: the warm-up
     * stops at once, closing the engine and the event loops takes a few seconds at most.
     */
    private static final Duration START_STOP_BOUND = Duration.ofSeconds(10);

    private final NodeConfig config;
    private final EventLoopGroup boss;
    /** Where every connection starts, and health checks stay (IntakeHandoff). */
    private final EventLoopGroup intake;
    private final EventLoopGroup workers;
    private final Engine engine;
    private final NodeMetrics metrics;
    private final PushModule push;
    /** Closes sessions whose socket expired: nothing else tells a client that only receives. */
    private final SocketExpiryWatch socketWatch;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile java.util.concurrent.CompletionStage<Void> sessionsDrained;
    private final HttpServer publicServer;
    private final HttpServer apiServer;
    private final SockJsHandler sockjs;
    private final DrainingConnections connections = new DrainingConnections();
    private final StartWarmup.Result warmup;

    private WsNode(NodeConfig config, StopRequest stop) throws InterruptedException {
        this.config = config;
        this.metrics = new NodeMetrics(config.nodeId());
        NetworkTransport transport = NetworkTransport.best();
        this.boss = transport.newGroup(1);
        this.intake = transport.newGroup(1);
        // One event loop per core: more only add wake-ups and hand-offs between loops. The Redis
        // engine's connections run on them too.
        this.workers = transport.newGroup(config.ioThreads());
        try {
            this.engine = NodeParts.engine(config, metrics,
                    new SharedEventLoops(workers, transport == NetworkTransport.EPOLL), stop);
        } catch (RuntimeException e) {
            shutdownEventLoops();
            metrics.close();
            throw e;
        }
        try {
            stop.checkBefore("the push service");
            this.push = config.mode() == NodeConfig.Mode.PUSH ? NodeParts.push(config, engine, metrics, workers) : null;
        } catch (RuntimeException e) {
            engine.close();
            shutdownEventLoops();
            metrics.close();
            throw e;
        }
        SockJsEndpointResolver resolver = push != null ? push.resolver() : new ProtocolTestEndpoints(config.sockJs());
        HealthHandler health = new HealthHandler(config.nodeId(), engine.name(), engine::problem, draining::get);
        EdgeMeters publicEdge = new EdgeMeters(metrics.registry(), "public");
        EdgeMeters apiEdge = new EdgeMeters(metrics.registry(), "api");
        long maxBacklog = config.webSocketPolicy().maxWriteBacklogBytes();
        // Each port has half the write memory, as it has half the request memory.
        long halfWriteMemory = config.webSocketPolicy().maxWriteMemoryBytes() / 2;
        WriteMemory publicWriteMemory = new WriteMemory(halfWriteMemory, publicEdge.cutOffs());
        WriteMemory apiWriteMemory = new WriteMemory(halfWriteMemory, apiEdge.cutOffs());
        publicEdge.watch(publicWriteMemory);
        apiEdge.watch(apiWriteMemory);
        // SockJS clients batch up to a few messages per xhr_send: room for six, JSON-escaped, and framing.
        int maxPublicBody = 6 * config.sockJs().maxMessageBytes() + 1024;
        int maxApiBody = push != null ? push.maxApiBodyBytes() : 64 * 1024;
        ClientErrorLog clientErrors = new ClientErrorLog();
        long halfMemory = config.connectionLimits().maxRequestMemory() / 2;
        ConnectionGuards publicGuards = new ConnectionGuards("public", config.connectionLimits(), maxPublicBody,
                halfMemory, clientErrors, publicEdge.refusals());
        // Each port has half the request memory: a flood on the public port cannot stop applications publishing.
        ConnectionGuards apiGuards = new ConnectionGuards("api", config.connectionLimits(), maxApiBody,
                halfMemory, clientErrors, apiEdge.refusals());
        // Its budgets per client address tell clients apart as the public port's connection guard does.
        this.sockjs = new SockJsHandler(resolver, engine, config.nodeId(),
                new SockJsMeters(metrics.registry(), publicEdge.refusals()), config.webSocketPolicy().peerPolicy(),
                publicGuards.clientAddresses());
        if (push != null) {
            this.socketWatch = new SocketExpiryWatch(engine, engine, sockjs::liveSessions,
                    workers.next(), SocketExpiryWatch.intervalFor(config.socketIdleTimeout()));
            socketWatch.start();
        } else {
            this.socketWatch = null;
        }
        // Before the ports bind: until then the node is not in the balancer's rotation, so the
        // first clients it serves meet compiled code (issue 16, a node started into a reconnect storm).
        this.warmup = StartWarmup.run(config, engine, push != null ? push.resolver() : null, health, transport, boss,
                intake, workers, stop);
        if (warmup != StartWarmup.Result.NONE) {
            log.info("node {}: warm-up of {} connects ({} messages published, {} reads of absent sockets, {} failed)"
                    + " took {} ms{}; CPU per connect by batch of {}: {} us", config.nodeId(), warmup.opened(),
                    warmup.published(), warmup.notFound(), warmup.failed(), warmup.millis(),
                    stop.requested() ? ", cut short by the stop request"
                            : warmup.flattened() ? ", stopped once that cost stopped falling" : "",
                    WarmupCostCurve.BATCH, warmup.microsPerSession());
        }
        // Under the stop request's lock: a SIGTERM comes either before the bind (nothing is bound,
        // what was built is closed) or after it (the shutdown hook drains the started node).
        synchronized (stop) {
            if (stop.requested()) {
                shutdownQuietly();
                stop.checkBefore("binding the ports");
            }
            try {
                this.publicServer = HttpServer.bind("public", config.bindHost(), config.publicPort(), transport, boss,
                        intake, new PublicChannelInitializer(maxPublicBody, health, new ClientScriptHandler(), sockjs,
                                connections, () -> new WriteBacklogLimit(maxBacklog, publicWriteMemory), publicGuards,
                                workers));
                this.apiServer = HttpServer.bind("api", config.apiBindHost(), config.apiPort(), transport, boss, intake,
                        new ApiChannelInitializer(health, () -> new MetricsHandler(metrics),
                                push != null ? push.api()::newAggregator : null,
                                push != null ? push.api()::newHandler : null, connections,
                                // An application that does not read its answers is cut off like a browser.
                                () -> new WriteBacklogLimit(maxBacklog, apiWriteMemory), apiGuards, workers));
            } catch (Exception e) {
                // Netty rethrows a failed bind's BindException unchecked-style: catch everything.
                shutdownQuietly();
                throw e;
            }
        }
        if (!config.ignoredEnvironment().isEmpty()) {
            log.warn("node {}: ignored environment variables that name no setting: {}", config.nodeId(),
                    config.ignoredEnvironment());
        }
        if (push != null) {
            push.callbackAddresses().ownPorts(publicServer.port(), apiServer.port());
        }
        log.info("node {} serving {} mode: public {}:{}, api {}:{}, engine {}, {} x {} event loops", config.nodeId(),
                config.mode(), config.bindHost(), publicServer.port(), config.apiBindHost(), apiServer.port(),
                engine.name(), config.ioThreads(), transport);
    }

    /** Starts a node; returns once both ports accept connections. */
    public static WsNode start(NodeConfig config) throws InterruptedException {
        return start(config, new StopRequest());
    }

    /**
     * Starts a node unless {@code stop} is asked for first: then the start closes what it built and
     * throws {@link StopRequest.StartStopped}, binding no port.
     */
    static WsNode start(NodeConfig config, StopRequest stop) throws InterruptedException {
        WsNode node = null;
        try {
            node = new WsNode(config, stop);
            return node;
        } catch (StopRequest.StartStopped e) {
            // Said before the start ends: the shutdown hook waits for that end, then the JVM
            // halts, so a line logged by the caller afterwards could be lost.
            log.info("node {}: {} by SIGTERM: what it had built is closed, no port was bound", config.nodeId(),
                    e.getMessage());
            throw e;
        } finally {
            stop.startEnded(node);
        }
    }

    /** What the start-up warm-up did (tests). */
    StartWarmup.Result warmup() {
        return warmup;
    }

    /** The node's meters (tests: the warm-up must leave them untouched). */
    MeterRegistry meters() {
        return metrics.registry();
    }

    /** The worker event loops (tests block them to show what still answers). */
    EventLoopGroup workers() {
        return workers;
    }

    public int publicPort() {
        return publicServer.port();
    }

    public int apiPort() {
        return apiServer.port();
    }

    public String nodeId() {
        return config.nodeId();
    }

    public NodeConfig config() {
        return config;
    }

    /**
     * Completes, with why, once a newer process took this node's id on the shared store (two
     * processes given one node id): this process must stop. Never, on the memory engine.
     */
    public CompletionStage<String> superseded() {
        return engine.superseded();
    }

    /**
     * Drains, then stops, all within {@code drain-timeout}: stops accepting, hands every SockJS
     * session on (held polls and streams release their slots and end, websockets close with
     * going-away), closes idle connections and answers with {@code Connection: close}, lets
     * in-flight callbacks finish; then closes every connection and the engine.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        long deadline = started + config.drainTimeout().toNanos();
        drain();
        awaitSessionsHandedOn(deadline);
        if (push != null) {
            long remaining = Math.max(0, deadline - System.nanoTime());
            try {
                Boolean idle = push.drainCallbacks(java.time.Duration.ofNanos(remaining))
                        .toCompletableFuture().get(remaining + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
                if (!Boolean.TRUE.equals(idle)) {
                    log.warn("node {}: callbacks still pending after drain-timeout {}; they are given up and counted",
                            config.nodeId(), config.drainTimeout());
                }
            } catch (Exception e) {
                log.warn("node {}: waiting for callbacks failed", config.nodeId(), e);
            }
        }
        shutdownQuietly();
        log.info("node {} stopped after {} ms", config.nodeId(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Stops accepting connections and starts handing sessions on, so the balancer moves clients to
     * other nodes; /health answers 503. Returns at once; {@link #close()} waits for the rest.
     */
    public void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        publicServer.stopAccepting();
        apiServer.stopAccepting();
        connections.drain();
        sessionsDrained = sockjs.drain();
    }

    private void awaitSessionsHandedOn(long deadline) {
        long remaining = Math.max(0, deadline - System.nanoTime());
        if (sessionsDrained == null) {
            return; // drain() is still running on another thread; the callbacks' wait bounds the rest
        }
        try {
            sessionsDrained.toCompletableFuture().get(remaining, TimeUnit.NANOSECONDS);
            log.info("node {}: every SockJS connection handed on", config.nodeId());
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("node {}: {} SockJS connection(s) still open after drain-timeout {}; closing them",
                    config.nodeId(), sockjs.liveConnections(), config.drainTimeout());
        } catch (Exception e) {
            log.warn("node {}: waiting for SockJS connections failed", config.nodeId(), e);
        }
    }

    private void shutdownQuietly() {
        if (socketWatch != null) {
            socketWatch.close();
        }
        if (push != null) {
            push.close();
        }
        // Before the event loops: the engine's Redis connections run on them.
        engine.close();
        shutdownEventLoops();
        metrics.close();
    }

    private void shutdownEventLoops() {
        // Bounded: an event loop wedged by an error must not keep the process from exiting.
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        intake.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws InterruptedException {
        Optional<InfoRequest> info = InfoRequest.find(args);
        if (info.isPresent()) {
            BuildInfo build = BuildInfo.current();
            System.out.print(info.get() == InfoRequest.HELP ? NodeHelp.help(build) : NodeHelp.version(build));
            System.out.flush();
            System.exit(0);
            return;
        }
        NodeConfig config;
        try {
            config = NodeConfig.from(Settings.load(args, System.getenv()));
        } catch (ConfigException e) {
            System.err.println("wildcloud-websockets: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (config.jsonLogs()) {
            LogFormat.useJson();
        }
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Netty's default samples one buffer in 128 with a stack trace each: a few percent of
            // the CPU per message. The test suite runs every buffer through the paranoid level
            // instead; an operator chasing a leak sets -Dio.netty.leakDetection.level=simple.
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        StopRequest stop = new StopRequest();
        // Before the start, which may take 30 s (a Redis to reach, the warm-up): a SIGTERM then
        // stops the start and closes what it built; one after it drains the node.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.stop(START_STOP_BOUND), "shutdown-drain"));
        WsNode node = null;
        int failed = 0;
        try {
            node = start(config, stop);
        } catch (StopRequest.StartStopped e) {
            return; // said by start(); the JVM is exiting
        } catch (ConfigException e) {
            System.err.println("wildcloud-websockets: " + e.getMessage());
            failed = 2;
        } catch (Exception e) {
            // Redis unreachable at start, a port taken: say so in one line, not a stack trace.
            System.err.println("wildcloud-websockets: cannot start: " + e);
            failed = 1;
        }
        if (node == null) {
            if (!stop.requested()) {
                System.exit(failed);
            }
            return;
        }
        // Until a newer process under this node id makes this one go (never, on the memory
        // engine): then it drains (the shutdown hook) and exits with an error, so that a
        // supervisor shows it and the operator fixes the node ids.
        String superseded = node.superseded().toCompletableFuture().join();
        System.err.println("wildcloud-websockets: stopping: " + superseded);
        System.exit(1);
    }
}

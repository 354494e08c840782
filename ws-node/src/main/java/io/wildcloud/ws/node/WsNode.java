package io.wildcloud.ws.node;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.node.config.ConfigException;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.HttpServer;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node: the public port (SockJS for browsers) and the API port (for applications), over an
 * engine that is in memory by default or Redis when {@code redis-url} is set.
 */
public final class WsNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WsNode.class);

    private final NodeConfig config;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final SessionStore sessionStore;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final HttpServer publicServer;
    private final HttpServer apiServer;

    private WsNode(NodeConfig config) throws InterruptedException {
        this.config = config;
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        this.sessionStore = new MemorySessionStore(config.maxQueuedMessages());
        HealthHandler health = new HealthHandler(config.nodeId(), config.usesRedis() ? "redis" : "memory",
                () -> null, draining::get);
        this.publicServer = HttpServer.bind("public", config.bindHost(), config.publicPort(), boss, workers,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http-codec", new HttpServerCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(config.sockJs().maxMessageBytes()))
                                .addLast("health", health);
                    }
                });
        this.apiServer = HttpServer.bind("api", config.apiBindHost(), config.apiPort(), boss, workers,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("http-codec", new HttpServerCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(config.sockJs().maxMessageBytes()))
                                .addLast("health", health);
                    }
                });
        log.info("node {} serving {} mode: public port {}, api port {}, engine {}", config.nodeId(),
                config.mode(), publicServer.port(), apiServer.port(), config.usesRedis() ? "redis" : "memory");
    }

    /** Starts a node; returns once both ports accept connections. */
    public static WsNode start(NodeConfig config) throws InterruptedException {
        return new WsNode(config);
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

    /** Drains, then stops: see {@link #drain}. */
    @Override
    public void close() {
        drain();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (sessionStore instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("node {}: closing the session store failed", config.nodeId(), e);
            }
        }
    }

    /** Stops accepting, so the balancer moves clients to other nodes. */
    public void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        publicServer.stopAccepting();
        apiServer.stopAccepting();
    }

    public static void main(String[] args) throws InterruptedException {
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
        WsNode node = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shutdown-drain"));
        Thread.currentThread().join();
    }
}

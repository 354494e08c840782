package io.wildcloud.ws.node;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.wildcloud.ws.engine.Engine;
import io.wildcloud.ws.engine.memory.MemoryEngine;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.http.ClientErrorLog;
import io.wildcloud.ws.node.http.ConnectionGuards;
import io.wildcloud.ws.node.http.DrainingConnections;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.HttpServer;
import io.wildcloud.ws.node.http.NetworkTransport;
import io.wildcloud.ws.node.http.WriteBacklogLimit;
import io.wildcloud.ws.node.http.WriteMemory;
import io.wildcloud.ws.node.metrics.EdgeMeters;
import io.wildcloud.ws.node.metrics.SockJsMeters;
import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.http.ClientScriptHandler;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's warm-up before it binds its ports ({@code warmup-connects}): a fresh JVM interprets
 * and compiles the connect path for its first thousands of sessions, and a node started into a
 * reconnect storm served ~1,800 connects a second where a warm one serves 3,000-4,000 (BENCHMARKS.md,
 * issue 16). So the node first opens websocket sessions against itself, over loopback sockets on
 * its own event loops and the public port's real pipeline, bound on an ephemeral loopback port
 * that closes before the real ports bind:
 * <ul>
 *   <li>through a private memory engine and push service with a private application (a random
 *       secret, known to nothing outside): upgrade, open frame, {@link #PUBLISHES} messages
 *       published through the API port's real pipeline on a private loopback port (by session, by
 *       socket and as a batch: issue 17's publish path, whose C2 compiles otherwise land in a
 *       benchmark's or the first clients' window), close. Nothing is written to the node's engine
 *       and no application's callback is called (no client message is ever sent);</li>
 *   <li>on the Redis engine, as many upgrades for socket ids that do not exist through the node's
 *       own engine: its claim script reads, finds no socket and writes nothing, and the answer is
 *       404. That runs Redisson's and the script pipeline's code without a key left behind.</li>
 * </ul>
 * Meters of the warm-up go to a registry of its own, so the node's metrics show no warm-up session;
 * the Redis engine's command timers ({@code ws.redis.command}) do count its claim reads.
 *
 * <p>It runs {@code warmup-connects} sessions at most, and stops earlier once the process's CPU per
 * session has stopped falling ({@link WarmupCostCurve}): the code is compiled by then.
 */
final class StartWarmup {

    private static final Logger log = LoggerFactory.getLogger(WsNode.class);

    /** Loopback clients in parallel: a few connects in flight, as a storm has, on any core count. */
    private static final int CLIENTS = 4;
    private static final int SOCKET_TIMEOUT_MS = 5_000;
    /** How long the clients may take to end once their sockets are closed. */
    private static final Duration CLIENTS_END_BOUND = Duration.ofSeconds(2);
    /** How long the warm-up's ports may take to close the connections they accepted. */
    private static final Duration CONNECTIONS_CLOSE_BOUND = Duration.ofSeconds(2);
    private static final String WARMUP_APPLICATION = "warmup";
    /**
     * Publishes per warm-up session: C2 compiles a method after ~5,000 calls, and a warm-up stops
     * flat after ~1,500 sessions on a 2-core machine (BENCHMARKS.md, "warm-up until flat").
     */
    static final int PUBLISHES = 4;

    /**
     * What a warm-up did, for the log line and tests. Every connect started is counted by the time
     * the Result is made, as failed or as done: {@code started == failed + opened} on memory,
     * {@code failed + notFound} on Redis (a session opened whose absent-socket read then failed
     * counts in {@code opened} and {@code failed}). A connect cut at the time limit or by a stop
     * is failed. {@code published}: messages published through the private API port and read by
     * their session; {@code flattened}: it stopped because its cost per session stopped falling.
     */
    record Result(int started, int opened, int notFound, int failed, long millis, int callbacks, int published,
            boolean flattened, List<Long> microsPerSession) {

        static final Result NONE = new Result(0, 0, 0, 0, 0, 0, 0, false, List.of());
    }

    private StartWarmup() {
    }

    /**
     * Runs up to {@code warmup-connects} warm-up connects (and as many gone-socket upgrades on Redis),
     * until their cost is flat, for at most {@code warmup-time-limit}, and stops at once when
     * {@code stop} is asked for; never throws: a failed warm-up costs only speed, so the node starts
     * anyway.
     */
    static Result run(NodeConfig config, Engine engine, SockJsEndpointResolver nodeResolver, HealthHandler health,
            NetworkTransport transport, EventLoopGroup boss, EventLoopGroup intake, EventLoopGroup workers,
            StopRequest stop) {
        return run(config, engine, nodeResolver, health, transport, boss, intake, workers, stop,
                config.warmupTimeLimit());
    }

    /** As above with another time limit (tests). */
    static Result run(NodeConfig config, Engine engine, SockJsEndpointResolver nodeResolver, HealthHandler health,
            NetworkTransport transport, EventLoopGroup boss, EventLoopGroup intake, EventLoopGroup workers,
            StopRequest stop, Duration timeLimit) {
        return run(config, engine, nodeResolver, health, transport, boss, intake, workers, stop, timeLimit, ports -> {
        });
    }

    /** As above, telling {@code portsBound} its private ports once they are bound, before its clients start (tests). */
    static Result run(NodeConfig config, Engine engine, SockJsEndpointResolver nodeResolver, HealthHandler health,
            NetworkTransport transport, EventLoopGroup boss, EventLoopGroup intake, EventLoopGroup workers,
            StopRequest stop, Duration timeLimit, Consumer<List<Integer>> portsBound) {
        int connects = config.warmupConnects();
        if (connects == 0) {
            return Result.NONE;
        }
        log.info("node {}: warm-up of {} connects before the ports bind (at most {} s)", config.nodeId(), connects,
                timeLimit.toSeconds());
        long started = System.nanoTime();
        long deadline = started + timeLimit.toNanos();
        MemoryEngine memory = new MemoryEngine(config.maxQueuedMessages(), Duration.ofHours(1));
        String secret = SocketIds.next() + SocketIds.next();
        PushModule warmupPush = new PushModule(ApplicationRegistry.fromEntries(List.of(WARMUP_APPLICATION + ":" + secret)),
                memory, memory, PushLimits.defaults().withMaxMessageBytes(config.sockJs().maxMessageBytes())
                        // Its few clients open session after session of their sockets, as fast as they can.
                        .withNewSessions(Integer.MAX_VALUE, Integer.MAX_VALUE)
                        // Its publishes are the node's own, into a private memory engine.
                        .withPublishBytes(Long.MAX_VALUE, Long.MAX_VALUE),
                config.sockJs());
        List<HttpServer> servers = new ArrayList<>();
        LoopbackSockets sockets = new LoopbackSockets();
        AtomicInteger begun = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger notFound = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger published = new AtomicInteger();
        WarmupCostCurve cost = WarmupCostCurve.ofThisProcess();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS, runnable -> {
            Thread thread = new Thread(runnable, "warmup-client");
            thread.setDaemon(true);
            return thread;
        });
        try (StopRequest.Registration cutOnStop = stop.whileStarting("warm-up", sockets::cut)) {
            HttpServer memoryServer = bind("warmup-memory", config, warmupPush.resolver(), memory, health,
                    transport, boss, intake, workers);
            servers.add(memoryServer);
            HttpServer apiServer = bindApi(config, warmupPush, health, transport, boss, intake, workers);
            servers.add(apiServer);
            HttpServer goneServer = null;
            if (config.usesRedis() && nodeResolver != null) {
                goneServer = bind("warmup-engine", config, nodeResolver, engine, health, transport, boss, intake, workers);
                servers.add(goneServer);
            }
            portsBound.accept(servers.stream().map(HttpServer::port).toList());
            List<String> pushSockets = new ArrayList<>();
            // A socket holds at most sessions-per-socket sessions at once; the clients' few in flight fit.
            for (int i = 0; i < CLIENTS; i++) {
                pushSockets.add(memory.authorize(WARMUP_APPLICATION, "warmup-" + i, URI.create("https://warmup.invalid/"))
                        .toCompletableFuture().get(5, TimeUnit.SECONDS).socket().socketId());
            }
            AtomicInteger next = new AtomicInteger();
            int gonePort = goneServer == null ? -1 : goneServer.port();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String socketId = pushSockets.get(c);
                running.add(clients.submit(() -> {
                    WarmupPublisher publisher = new WarmupPublisher(sockets, apiServer.port());
                    try {
                        for (int i = next.getAndIncrement(); i < connects && System.nanoTime() < deadline
                                && !sockets.isCut() && !cost.flat(); i = next.getAndIncrement()) {
                            begun.incrementAndGet();
                            try {
                                published.addAndGet(openPublishClose(sockets, memoryServer.port(), socketId, "w" + i,
                                        publisher));
                                opened.incrementAndGet();
                                if (gonePort > 0) {
                                    upgradeGoneSocket(sockets, gonePort);
                                    notFound.incrementAndGet();
                                }
                                cost.sessionDone();
                            } catch (IOException | RuntimeException e) {
                                publisher.close();
                                if (failed.incrementAndGet() == 1) {
                                    log.debug("warm-up connect failed", e);
                                }
                            }
                        }
                    } finally {
                        publisher.close();
                    }
                }));
            }
            awaitClients(running, deadline, sockets);
        } catch (Exception e) {
            log.warn("node {}: warm-up stopped early ({}); starting anyway", config.nodeId(), e.toString());
        } finally {
            sockets.cut();
            clients.shutdownNow();
            awaitEnd(clients);
            // Every connection its ports accepted, a stray loopback peer's too, ends with it: left
            // open it stayed on the private pipeline until its idle timeout, out of the drain's reach.
            // Before the private engine closes, so that their sessions are let go into it.
            for (HttpServer server : servers) {
                if (!server.closeWithConnections(CONNECTIONS_CLOSE_BOUND)) {
                    log.warn("warm-up port {}: connections still open {} after it closed", server, CONNECTIONS_CLOSE_BOUND);
                }
            }
            warmupPush.close();
            memory.close();
        }
        return new Result(begun.get(), opened.get(), notFound.get(), failed.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                (int) warmupPush.callbackStats().attempts(), published.get(), cost.flat(), cost.microsPerSession());
    }

    /**
     * Waits for the clients until the time limit, then cuts the connects still in flight (they fail
     * at once) and waits for the clients to count them: the Result is made only after that, and
     * the start is not held a socket timeout past the limit.
     */
    private static void awaitClients(List<Future<?>> running, long deadline, LoopbackSockets sockets)
            throws InterruptedException, ExecutionException {
        for (Future<?> client : running) {
            try {
                client.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException limitReached) {
                sockets.cut();
                break;
            }
        }
    }

    /** After a cut every client ends within moments: no socket read is left to wait in. */
    private static void awaitEnd(ExecutorService clients) {
        try {
            if (!clients.awaitTermination(CLIENTS_END_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("warm-up clients still running {} after their sockets were closed", CLIENTS_END_BOUND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The warm-up clients' open sockets. {@link #cut} closes them all, so that a client blocked in a
     * read fails at once (a thread's interrupt does not end a socket read), and refuses new ones.
     */
    static final class LoopbackSockets {
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private volatile boolean cut;

        Socket connect(int port) throws IOException {
            Socket socket = new Socket();
            open.add(socket);
            if (cut) {
                close(socket); // a cut between the check and the add: the client fails now
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MS);
            return socket;
        }

        void close(Socket socket) {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }

        boolean isCut() {
            return cut;
        }

        void cut() {
            cut = true;
            open.forEach(this::close);
        }
    }

    /** The public port's pipeline over this resolver and store, on an ephemeral loopback port. */
    private static HttpServer bind(String name, NodeConfig config, SockJsEndpointResolver resolver,
            io.wildcloud.ws.sockjs.session.SessionStore store, HealthHandler health, NetworkTransport transport,
            EventLoopGroup boss, EventLoopGroup intake, EventLoopGroup workers) throws InterruptedException {
        // Its own meters: the node's metrics count no warm-up session or refusal.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // No client address: its reads of absent sockets are the point, never refused over a budget.
        SockJsHandler sockjs = new SockJsHandler(resolver, store, config.nodeId(), new SockJsMeters(meters),
                config.webSocketPolicy().peerPolicy(), (channel, request) -> null);
        int maxBody = 6 * config.sockJs().maxMessageBytes() + 1024;
        EdgeMeters edge = new EdgeMeters(meters, "public");
        ConnectionGuards guards = new ConnectionGuards(name, config.connectionLimits(), maxBody,
                config.connectionLimits().maxRequestMemory() / 2, new ClientErrorLog(), edge.refusals());
        long maxBacklog = config.webSocketPolicy().maxWriteBacklogBytes();
        WriteMemory writeMemory = new WriteMemory(config.webSocketPolicy().maxWriteMemoryBytes() / 2, edge.cutOffs());
        return HttpServer.bindOwningConnections(name, "127.0.0.1", 0, transport, boss, intake,
                new PublicChannelInitializer(maxBody, health, new ClientScriptHandler(), sockjs, new DrainingConnections(),
                        () -> new WriteBacklogLimit(maxBacklog, writeMemory), guards, workers));
    }

    /**
     * One websocket session of a live socket: 101, open frame, {@link #PUBLISHES} messages published
     * through the API, close handshake. Returns the messages it read.
     */
    private static int openPublishClose(LoopbackSockets sockets, int port, String socketId, String sessionId,
            WarmupPublisher publisher) throws IOException {
        Socket socket = sockets.connect(port);
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(upgradeRequest(port, socketId, sessionId));
            out.flush();
            expectStatus(in, 101);
            expectText(in, "o");
            for (int i = 0; i < PUBLISHES; i++) {
                publisher.publish(i, socketId, sessionId);
                expectText(in, "a[\"" + WarmupPublisher.MESSAGE + "\"]");
            }
            // A masked close frame, 1000 (mask 0: the payload is sent as is).
            out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8});
            out.flush();
            drain(in);
            return PUBLISHES;
        } finally {
            sockets.close(socket);
        }
    }

    /** The API port's pipeline over the warm-up's push service, on an ephemeral loopback port. */
    private static HttpServer bindApi(NodeConfig config, PushModule push, HealthHandler health,
            NetworkTransport transport, EventLoopGroup boss, EventLoopGroup intake, EventLoopGroup workers)
            throws InterruptedException {
        EdgeMeters edge = new EdgeMeters(new SimpleMeterRegistry(), "api");
        ConnectionGuards guards = new ConnectionGuards("warmup-api", config.connectionLimits(), push.maxApiBodyBytes(),
                config.connectionLimits().maxRequestMemory() / 2, new ClientErrorLog(), edge.refusals());
        long maxBacklog = config.webSocketPolicy().maxWriteBacklogBytes();
        WriteMemory writeMemory = new WriteMemory(config.webSocketPolicy().maxWriteMemoryBytes() / 2, edge.cutOffs());
        return HttpServer.bindOwningConnections("warmup-api", "127.0.0.1", 0, transport, boss, intake,
                new ApiChannelInitializer(health, null, push.api()::newAggregator, push.api()::newHandler,
                        new DrainingConnections(), () -> new WriteBacklogLimit(maxBacklog, writeMemory), guards, workers));
    }

    /** An upgrade for a socket that does not exist: the engine's claim reads and answers 404. */
    private static void upgradeGoneSocket(LoopbackSockets sockets, int port) throws IOException {
        Socket socket = sockets.connect(port);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(upgradeRequest(port, SocketIds.next(), "gone"));
            out.flush();
            expectStatus(socket.getInputStream(), 404);
        } finally {
            sockets.close(socket);
        }
    }

    private static byte[] upgradeRequest(int port, String socketId, String sessionId) {
        return ("GET /" + socketId + "/000/" + sessionId + "/websocket HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: d2FybS11cC1oYW5kc2hha2U=\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads a response head (to its blank line) and checks its status code. */
    private static void expectStatus(InputStream in, int status) throws IOException {
        expectHead(in, status);
    }

    /** As {@link #expectStatus}; returns the head (the warm-up publisher reads its Content-Length). */
    static String expectHead(InputStream in, int status) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 8192) {
                throw new IOException("response head over 8 KiB");
            }
        }
        String statusLine = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
        if (!statusLine.startsWith("HTTP/1.1 " + status + " ")) {
            throw new IOException("expected " + status + ", got " + statusLine);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Reads one unmasked server text frame of up to 125 bytes and checks its payload. */
    private static void expectText(InputStream in, String payload) throws IOException {
        int opcode = readByte(in);
        int length = readByte(in);
        if (opcode != 0x81 || length > 125) {
            throw new IOException("expected a short text frame, got " + Integer.toHexString(opcode) + " " + length);
        }
        byte[] bytes = in.readNBytes(length);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.equals(payload)) {
            throw new IOException("expected frame " + payload + ", got " + text);
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed before a frame");
        }
        return b;
    }

    /** Reads (at most 64 KiB, within the socket timeout) until the server closes the connection. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        int total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > 64 * 1024) {
                throw new IOException("the server kept sending after the close frame");
            }
        }
    }
}

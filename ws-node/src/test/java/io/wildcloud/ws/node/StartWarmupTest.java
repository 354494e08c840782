package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.wildcloud.ws.engine.memory.MemoryEngine;
import io.wildcloud.ws.node.config.ConfigException;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.node.http.HealthHandler;
import io.wildcloud.ws.node.http.NetworkTransport;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The start-up warm-up ({@code warmup-connects}): what it runs, what it leaves, how it is set. */
class StartWarmupTest {

    /** The expiry index's shards, each marked when swept (RedisKeys). */
    private static final int EXPIRY_SHARDS = 16;
    private static final String SECRET = "warmup-test-secret-0123456789";

    @Test
    void onRedisItOpensItsSessionsAndReadsAbsentSocketsLeavingNoKeyAndCallingNoCallback() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            // The keys a node writes at start without a warm-up, then with one: the same names.
            Set<String> cold = keysAfterStart(redis, "cold:", 0);
            assertTrue(cold.contains("nodes"), cold.toString());
            WsNode node = start(redis, "warm:", 200);
            try {
                StartWarmup.Result warmup = node.warmup();
                assertEquals(200, warmup.started(), warmup.toString());
                assertEquals(200, warmup.opened(), "sessions opened, published to and closed: " + warmup);
                assertEquals(200, warmup.notFound(), "upgrades of absent sockets the engine answered 404: " + warmup);
                assertEquals(0, warmup.failed(), warmup.toString());
                assertEquals(200 * StartWarmup.PUBLISHES, warmup.published(),
                        "messages published through the warm-up's API port, each read by its session: " + warmup);
                assertFalse(warmup.flattened(), "200 sessions are fewer than the cost curve's first batches: " + warmup);
                assertEquals(0, warmup.callbacks(), "callback attempts of the warm-up's own push service");
                // The node's own push service answered the absent sockets' upgrades: no callback,
                // and its meters count no warm-up session.
                assertEquals(0.0, node.meters().get("ws.callback.calls").functionCounter().count(), "node's callbacks");
                var sessionsOpened = node.meters().find("ws.sessions.opened").counters();
                assertFalse(sessionsOpened.isEmpty(), "the node's sessions-opened counters exist");
                assertEquals(0.0, sessionsOpened.stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum(),
                        "node's sessions opened");
                // Its publishes went through a private push service: the node's publish timers count none.
                assertEquals(0L, node.meters().find("ws.publish").timers().stream()
                        .mapToLong(io.micrometer.core.instrument.Timer::count).sum(), "node's publishes");
                assertEquals(cold, keysOnceSwept(redis, "warm:"), "keys the warm-up left in Redis");
            } finally {
                node.close();
            }
        }
    }

    /** Well above the warm-up's set-up in a cold JVM at load (~3 s seen). */
    private static final long LIMIT_MILLIS = 10_000;

    /**
     * How long before the limit the test lets the connects begin. Held, they would time out 5 s
     * after they begin, so 3 s past the limit without the cut: later than the 2 s the warm-up
     * waits for its clients once it has cut (a connect left uncounted) and later than the bound
     * on its return. 2 s is room for a loaded machine to begin them.
     */
    private static final long CONNECTS_BEGIN_BEFORE_LIMIT_MILLIS = 2_000;

    @Test
    void atItsTimeLimitTheConnectsInFlightAreCutAndCountedBeforeItsResult() throws Exception {
        NetworkTransport transport = NetworkTransport.best();
        EventLoopGroup boss = transport.newGroup(1);
        EventLoopGroup intake = transport.newGroup(1);
        EventLoopGroup workers = transport.newGroup(1);
        MemoryEngine engine = new MemoryEngine(100, Duration.ofMinutes(1));
        CountDownLatch release = new CountDownLatch(1);
        try {
            // Every connection starts on the intake loop: held, no connect gets an answer before the limit.
            intake.execute(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            NodeConfig config = NodeConfig.builder().set("warmup-connects", 1000).build();
            // The warm-up's clock starts after this one: its limit comes after this moment's.
            long limitAtTheEarliest = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS);
            StartWarmup.Result warmup = StartWarmup.run(config, engine, null,
                    new HealthHandler("warm", engine.name(), engine::problem, () -> false), transport, boss, intake,
                    workers, new StopRequest(), Duration.ofMillis(LIMIT_MILLIS), ports -> {
                        // The connects begin when the ports are bound: not before this, so that the
                        // ones in flight at the limit are young, not a set-up's length from timing out.
                        sleepUntil(limitAtTheEarliest - TimeUnit.MILLISECONDS.toNanos(CONNECTS_BEGIN_BEFORE_LIMIT_MILLIS));
                    });

            assertTrue(warmup.started() > 0 && warmup.failed() > 0, "connects in flight at the limit fail: " + warmup);
            // Uncut, they were still held when the result was made.
            assertEquals(warmup.started(), warmup.opened() + warmup.failed(), "every connect started is counted: " + warmup);
            // Uncut, they would end 3 s past the limit (by the warm-up's own clock, and later on a
            // loaded machine): cut, they end within moments of it, and a loaded machine's moments
            // (the cut, the clients' ends, the ports closed) are given 2.5 s.
            assertTrue(warmup.millis() < LIMIT_MILLIS + 2_500, "the warm-up returned " + warmup.millis()
                    + " ms after it began, with a limit of " + LIMIT_MILLIS + " ms");
        } finally {
            release.countDown();
            engine.close();
            for (EventLoopGroup group : List.of(workers, intake, boss)) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void itsEndClosesEveryConnectionItsPortsAcceptedAStrayPeersToo() throws Exception {
        NetworkTransport transport = NetworkTransport.best();
        EventLoopGroup boss = transport.newGroup(1);
        EventLoopGroup intake = transport.newGroup(1);
        EventLoopGroup workers = transport.newGroup(1);
        MemoryEngine engine = new MemoryEngine(100, Duration.ofMinutes(1));
        List<Socket> peers = new ArrayList<>();
        try {
            NodeConfig config = NodeConfig.builder().set("warmup-connects", 20).build();
            StartWarmup.Result warmup = StartWarmup.run(config, engine, null,
                    new HealthHandler("warm", engine.name(), engine::problem, () -> false), transport, boss, intake,
                    workers, new StopRequest(), Duration.ofSeconds(30), ports -> {
                        // A loopback peer on each private port, before the warm-up's own clients:
                        // one kept alive after an answer, one in the middle of a request's body.
                        for (int port : ports) {
                            try {
                                peers.add(keptAliveAfterHealth(port));
                                peers.add(halfWayThroughABody(port));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                    });
            assertEquals(20, warmup.opened(), warmup.toString());
            assertEquals(4, peers.size(), "two peers on each of the memory and API ports");
            for (Socket peer : peers) {
                // The idle timeout (60 s) would close them much later: the warm-up's end closes them now.
                peer.setSoTimeout(3_000);
                assertEquals(-1, peer.getInputStream().read(), "peer " + peer + " after the warm-up ended");
            }
        } finally {
            for (Socket peer : peers) {
                peer.close();
            }
            engine.close();
            for (EventLoopGroup group : List.of(workers, intake, boss)) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A connection that asked for /health, read the whole answer and stays open (keep-alive). */
    private static Socket keptAliveAfterHealth(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = StartWarmup.expectHead(socket.getInputStream(), 200);
        int length = Integer.parseInt(head.lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT)
                .startsWith("content-length:")).findFirst().orElseThrow().substring(15).trim());
        socket.getInputStream().readNBytes(length);
        return socket;
    }

    /** A connection whose request's body is half sent: its aggregator holds the half. */
    private static Socket halfWayThroughABody(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write(("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"message\":").getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    @Test
    void offWithZero() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            WsNode node = start(redis, "off:", 0);
            try {
                assertSame(StartWarmup.Result.NONE, node.warmup());
            } finally {
                node.close();
            }
        }
    }

    @Test
    void theSettingIsParsedWithAClearError() {
        assertEquals(NodeConfig.DEFAULT_WARMUP_CONNECTS, NodeConfig.from(Settings.of(Map.of())).warmupConnects());
        assertEquals(0, NodeConfig.from(Settings.of(Map.of("warmup-connects", "0"))).warmupConnects());
        assertEquals(500, NodeConfig.from(Settings.load(new String[] {"--warmup-connects=500"}, Map.of())).warmupConnects());
        assertEquals(700, NodeConfig.from(Settings.load(new String[0], Map.of("WS_WARMUP_CONNECTS", "700"))).warmupConnects());
        ConfigException negative = assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.of(Map.of("warmup-connects", "-1"))));
        assertTrue(negative.getMessage().contains("warmup-connects") && negative.getMessage().contains("between 0 and 100000"),
                negative.getMessage());
        ConfigException word = assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.of(Map.of("warmup-connects", "lots"))));
        assertTrue(word.getMessage().contains("warmup-connects") && word.getMessage().contains("whole number"),
                word.getMessage());
        assertThrows(ConfigException.class, () -> NodeConfig.from(Settings.of(Map.of("warmup-connects", "100001"))));
        assertEquals(Duration.ofSeconds(10), NodeConfig.from(Settings.of(Map.of())).warmupTimeLimit());
        assertEquals(Duration.ofSeconds(45),
                NodeConfig.from(Settings.load(new String[] {"--warmup-time-limit=45s"}, Map.of())).warmupTimeLimit());
        ConfigException tooLong = assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.of(Map.of("warmup-time-limit", "10m"))));
        assertTrue(tooLong.getMessage().contains("warmup-time-limit") && tooLong.getMessage().contains("between 1s and 300s"),
                tooLong.getMessage());
        // Tests and embedders build configs with the builder: no warm-up unless asked for.
        assertEquals(0, NodeConfig.builder().build().warmupConnects());
    }

    private static WsNode start(RedisServerProcess redis, String prefix, int connects) throws InterruptedException {
        return WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=warm", "--bind-host=127.0.0.1",
                "--public-port=0", "--api-port=0", "--applications=app:" + SECRET, "--redis-url=" + redis.url(),
                "--redis-key-prefix=" + prefix, "--warmup-connects=" + connects,
                // All of them, however loaded the machine: the default 10 s cut a loaded run at 33 of 200.
                "--warmup-time-limit=120s"}, Map.of())));
    }

    private static Set<String> keysAfterStart(RedisServerProcess redis, String prefix, int connects) throws Exception {
        WsNode node = start(redis, prefix, connects);
        try {
            return keysOnceSwept(redis, prefix);
        } finally {
            node.close();
        }
    }

    /**
     * The key names under {@code prefix} once the node's expiry sweeper has marked its shards swept
     * (its own timer writes those marks, warm-up or not): so both nodes' keys are compared at the
     * same point.
     */
    private static Set<String> keysOnceSwept(RedisServerProcess redis, String prefix) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        Set<String> names = keys(redis, prefix);
        while (names.stream().filter(name -> name.endsWith(":swept")).count() < EXPIRY_SHARDS
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
            names = keys(redis, prefix);
        }
        return names;
    }

    /** The key names under {@code prefix}, without it. */
    private static Set<String> keys(RedisServerProcess redis, String prefix) throws Exception {
        List<String> found = new ArrayList<>(RedisProbe.commandList(redis.host(), redis.port(), "KEYS", prefix + "*"));
        Set<String> names = new TreeSet<>();
        found.forEach(key -> names.add(key.substring(prefix.length())));
        return names;
    }
}

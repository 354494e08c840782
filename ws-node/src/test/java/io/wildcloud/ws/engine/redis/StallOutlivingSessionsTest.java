package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.testmode.ProtocolTestEndpoints;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import io.wildcloud.ws.testing.Waits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A polling, a streaming and a websocket SockJS session, on a node of the Redis engine, through a
 * store stall (SIGSTOP of the test's own redis-server) a little shorter than the engine's stall
 * bound ({@link RedisEngineConfig#stallBound()}): all stay open (every poll and stream answered
 * 200, no close frame or websocket close, no second open frame), and every message queued before or during the stall
 * whose enqueue was answered reaches them once and in order.
 *
 * <p>The settings are the defaults scaled down: a 27 s hold TTL makes the stall bound 18 s (two
 * thirds of it); 0.5 s command timeouts with one retry left the claim 11.5 s before this rule
 * (its reply key's TTL less a command timeout), so a 15 s stall ended the polling session with 503.
 */
class StallOutlivingSessionsTest {

    private static final Duration HOLD_TTL = Duration.ofSeconds(27);
    private static final Duration STALL = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void sessionsOfEveryKindStayOpenThroughAStallShorterThanTheBoundAndLoseNothingQueued() throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        cleanup.add(redis);
        RedisEngineConfig config = RedisEngineConfig.of(redis.url())
                .withKeyPrefix(RedisTestServer.newKeyPrefix("outlive"))
                .withSweepInterval(Duration.ofMillis(100))
                .withHoldTtl(HOLD_TTL)
                .withTimeouts(Duration.ofMillis(500), 1, Duration.ofSeconds(2));
        assertTrue(STALL.compareTo(config.stallBound()) < 0, "the stall must stay below " + config.stallBound());
        RedisEngine engine = Waits.join(TestEngines.connect(config, "n1"), WAIT);
        cleanup.add(engine);
        // A heartbeat every 2 s: a poll held when Redis stops answers h, and its release waits the stall out.
        String base = serve(engine, SockJsOptions.defaults().withHeartbeatInterval(Duration.ofSeconds(2)));

        List<String> polled = new CopyOnWriteArrayList<>();
        List<String> streamed = new CopyOnWriteArrayList<>();
        List<String> socketed = new CopyOnWriteArrayList<>();
        SockJsClientSessions clients = new SockJsClientSessions();
        cleanup.add(clients);
        clients.polling(base + "/echo/000/polled/xhr", polled);
        clients.streaming(base + "/echo/000/streamed/xhr_streaming", streamed);
        clients.websocket(base.replace("http:", "ws:") + "/echo/000/socketed/websocket", socketed);
        SessionKey pollKey = new SessionKey("echo", "polled");
        SessionKey streamKey = new SessionKey("echo", "streamed");
        SessionKey socketKey = new SessionKey("echo", "socketed");
        Waits.await(() -> clients.opened() == 3 || !clients.failures().isEmpty(), "the sessions never opened", WAIT);

        // One message every 100 ms to each session, sent in turn: 2 s before the stall, during it, 2 s after.
        Map<String, EnqueueResult> pollOutcomes = new ConcurrentHashMap<>();
        Map<String, EnqueueResult> streamOutcomes = new ConcurrentHashMap<>();
        Map<String, EnqueueResult> socketOutcomes = new ConcurrentHashMap<>();
        List<String> sent = new ArrayList<>();
        long stallAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long resumeAt = stallAt + STALL.toNanos();
        long endAt = resumeAt + TimeUnit.SECONDS.toNanos(2);
        boolean stalled = false;
        boolean resumed = false;
        List<CompletableFuture<?>> enqueues = new ArrayList<>();
        for (int i = 0; System.nanoTime() < endAt; i++) {
            if (!stalled && System.nanoTime() >= stallAt) {
                redis.suspend();
                stalled = true;
            } else if (stalled && !resumed && System.nanoTime() >= resumeAt) {
                redis.resume();
                resumed = true;
            }
            String message = "m" + i;
            sent.add(message);
            enqueues.add(outcome(engine, pollKey, message, pollOutcomes));
            enqueues.add(outcome(engine, streamKey, message, streamOutcomes));
            enqueues.add(outcome(engine, socketKey, message, socketOutcomes));
            TimeUnit.MILLISECONDS.sleep(100); // the publishing pace, not a wait for a condition
        }
        CompletableFuture.allOf(enqueues.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(pollOutcomes.values().stream().anyMatch(r -> r == EnqueueResult.QUEUED), "nothing queued");

        awaitDelivered(clients, polled, pollOutcomes, "polling");
        awaitDelivered(clients, streamed, streamOutcomes, "streaming");
        awaitDelivered(clients, socketed, socketOutcomes, "websocket");
        assertEquals(List.of(), clients.failures(), "sessions that did not stay open");
        assertExactlyOnceInOrder(sent, polled, pollOutcomes, "polling");
        assertExactlyOnceInOrder(sent, streamed, streamOutcomes, "streaming");
        assertExactlyOnceInOrder(sent, socketed, socketOutcomes, "websocket");
    }

    private static CompletableFuture<Void> outcome(RedisEngine engine, SessionKey key, String message,
            Map<String, EnqueueResult> outcomes) {
        return engine.enqueue(key, List.of(message)).toCompletableFuture()
                .handle((result, error) -> {
                    if (result != null) {
                        outcomes.put(message, result);
                    }
                    return null;
                });
    }

    /** Every message whose enqueue was answered QUEUED arrives (the last of them last). */
    private static void awaitDelivered(SockJsClientSessions clients, List<String> received,
            Map<String, EnqueueResult> outcomes, String what) {
        List<String> queued = outcomes.entrySet().stream().filter(e -> e.getValue() == EnqueueResult.QUEUED)
                .map(Map.Entry::getKey).toList();
        Waits.await(() -> !clients.failures().isEmpty() || received.containsAll(queued),
                () -> what + " session still misses " + queued.stream().filter(m -> !received.contains(m)).toList()
                        + "; failures " + clients.failures(), WAIT);
    }

    /**
     * No message twice; the answered ones in the order they were sent (those whose answer never came
     * may be there or not, and were queued by copies Redis ran in its own order after the stall).
     */
    private static void assertExactlyOnceInOrder(List<String> sent, List<String> received,
            Map<String, EnqueueResult> outcomes, String what) {
        assertEquals(received.stream().distinct().toList(), received, what + ": repeated messages");
        List<String> answered = received.stream().filter(m -> outcomes.get(m) == EnqueueResult.QUEUED).toList();
        List<String> inOrder = sent.stream().filter(answered::contains).toList();
        assertEquals(inOrder, answered, what + ": out of order");
        System.out.printf("StallOutlivingSessionsTest %s: %d received, %d of %d sent answered QUEUED%n", what,
                received.size(), answered.size(), sent.size());
    }

    private String serve(RedisEngine store, SockJsOptions options) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        SockJsHandler sockjs = new SockJsHandler(new ProtocolTestEndpoints(options), store, store.nodeId());
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20))
                                .addLast(PipelineNames.SOCKJS, sockjs);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        cleanup.add(() -> {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }
}

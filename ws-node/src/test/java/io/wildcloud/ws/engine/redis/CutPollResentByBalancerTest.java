package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.testmode.ProtocolTestEndpoints;
import io.wildcloud.ws.testing.Closing;
import io.wildcloud.ws.testing.RedisProbe;
import io.wildcloud.ws.testing.RedisTestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A poll whose node closes its connection after the store step and before the answer (as a node
 * killed there does), behind a real HAProxy with the shipped configs' resend ({@code retry-on
 * conn-failure empty-response}, {@code option redispatch}): the balancer sends the cut poll to the
 * other node, and that poll must carry the messages the cut one was to answer. Until the fix a
 * poll acknowledged before it answered (the release, or a claim that took the queue, ran first),
 * so the resent poll found nothing and the session went on without them (the fault soak's loss,
 * BENCHMARKS.md "Soak under faults").
 */
class CutPollResentByBalancerTest {

    private static final String HAPROXY = "/usr/sbin/haproxy";

    @AutoClose
    private final Closing cleanup = new Closing();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RedisEngineConfig config;
    /** Answers carrying messages still to cut, over both nodes: whichever answers first is cut. */
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final AtomicInteger cutsMade = new AtomicInteger();
    private final String balancer;

    CutPollResentByBalancerTest(TestInfo test) throws Exception {
        requireHaproxy();
        config = RedisSessionStoreTest.testConfig(RedisTestServer.shared().url(),
                RedisTestServer.newKeyPrefix(test.getTestMethod().orElseThrow().getName()))
                .withMaxQueueLength(1000);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RedisEngine store = TestEngines.connect(config, "node" + i).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            cleanup.add(store);
            ports.add(serve(new SockJsHandler(new ProtocolTestEndpoints(SockJsOptions.defaults()), store,
                    store.nodeId())));
        }
        balancer = startHaproxy(ports, Path.of("target", "cut-poll", test.getTestMethod().orElseThrow().getName()));
    }

    @Test
    void xhrPollThatFoundMessagesQueuedIsCutAndResent() throws Exception {
        String session = "/echo/000/q1/xhr";
        assertEquals("o\n", poll(session).get(10, TimeUnit.SECONDS).body());
        send("/echo/000/q1/xhr_send", "[\"one\",\"two\"]");
        cutsLeft.set(1);
        // Queued before the poll: its claim finds them (claim.lua's P mode took them out, then).
        assertEquals("a[\"one\",\"two\"]\n", answer(poll(session)));
        assertEquals(1, cutsMade.get(), "the first answer was cut");
        // Nothing repeated on the normal path: the next messages alone.
        send("/echo/000/q1/xhr_send", "[\"three\"]");
        assertEquals("a[\"three\"]\n", answer(poll(session)));
    }

    @Test
    void heldXhrPollWokenByAMessageIsCutAndResent() throws Exception {
        String session = "/echo/000/h1/xhr";
        assertEquals("o\n", poll(session).get(10, TimeUnit.SECONDS).body());
        CompletableFuture<HttpResponse<String>> held = poll(session);
        awaitHeld("h1");
        cutsLeft.set(1);
        send("/echo/000/h1/xhr_send", "[\"woke\"]");
        // The held poll's answer (its release ran first, until the fix) is cut; HAProxy resends it.
        assertEquals("a[\"woke\"]\n", answer(held));
        assertEquals(1, cutsMade.get(), "the first answer was cut");
        send("/echo/000/h1/xhr_send", "[\"after\"]");
        assertEquals("a[\"after\"]\n", answer(poll(session)));
    }

    @Test
    void jsonpPollIsCutAndResentToo() throws Exception {
        String session = "/echo/000/j1/jsonp?c=cb";
        assertEquals("/**/cb(\"o\");\r\n", get(session).get(10, TimeUnit.SECONDS).body());
        send("/echo/000/j1/xhr_send", "[\"jp\"]");
        cutsLeft.set(1);
        assertEquals("/**/cb(\"a[\\\"jp\\\"]\");\r\n", answer(get(session)));
        assertEquals(1, cutsMade.get(), "the first answer was cut");
    }

    @Test
    void manyPollsThroughTheBalancerRepeatNothing() throws Exception {
        String session = "/echo/000/n1/xhr";
        assertEquals("o\n", poll(session).get(10, TimeUnit.SECONDS).body());
        StringBuilder got = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            send("/echo/000/n1/xhr_send", "[\"m" + i + "\"]");
            expected.append("a[\"m").append(i).append("\"]\n");
            got.append(answer(poll(session)));
        }
        assertEquals(expected.toString(), got.toString());
    }

    private String answer(CompletableFuture<HttpResponse<String>> poll) throws Exception {
        try {
            HttpResponse<String> response = poll.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        } catch (TimeoutException e) {
            // The resent poll found nothing and waits for the 25 s heartbeat: the messages are gone.
            throw new AssertionError("no answer in 10 s: the cut poll's messages are lost", e);
        }
    }

    private CompletableFuture<HttpResponse<String>> poll(String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(balancer + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(balancer + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void send(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(balancer + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), response.body());
    }

    /** Waits until a receiver holds the session's slot, as the session hash says. */
    private void awaitHeld(String sessionId) throws Exception {
        URI redis = URI.create(RedisTestServer.shared().url());
        String hash = config.keyPrefix() + "{echo}:s:" + sessionId;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String holder = RedisProbe.command(redis.getHost(), redis.getPort(), "HGET", hash, "h");
            if (holder != null && !holder.isEmpty()) {
                return;
            }
            Thread.sleep(5);
        }
        fail("slot of " + sessionId + " never held");
    }

    /**
     * Serves the SockJS handler with a cutter before the HTTP encoder: an armed cutter drops an
     * answer that carries messages and closes the connection, nothing written, as a node killed
     * after its store step and before its write leaves it.
     */
    private int serve(SockJsHandler sockjs) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new AnswerCutter(),
                                new HttpObjectAggregator(1 << 20)).addLast(PipelineNames.SOCKJS, sockjs);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        cleanup.add(() -> {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class AnswerCutter extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof FullHttpResponse response
                    && response.content().toString(StandardCharsets.UTF_8).contains("a[")
                    && cutsLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                cutsMade.incrementAndGet();
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("answer cut by the test"));
                ctx.channel().close();
                return;
            }
            ctx.write(msg, promise);
        }
    }

    /** The shipped configs' resend (deploy/haproxy/haproxy.cfg), round robin over the two nodes. */
    private String startHaproxy(List<Integer> nodePorts, Path dir) throws Exception {
        int port = freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 256
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 90s
                    timeout server 90s
                    retries 2
                    option redispatch 1
                    retry-on conn-failure empty-response
                frontend public
                """);
        cfg.append("    bind 127.0.0.1:").append(port).append("\n    default_backend nodes\n")
                .append("backend nodes\n    balance roundrobin\n");
        for (int i = 0; i < nodePorts.size(); i++) {
            cfg.append("    server n").append(i).append(" 127.0.0.1:").append(nodePorts.get(i)).append('\n');
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg.toString());
        Process process = new ProcessBuilder(HAPROXY, "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        cleanup.add(() -> {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return "http://127.0.0.1:" + port;
            } catch (IOException notYet) {
                assertTrue(process.isAlive(), "haproxy exited: see " + dir.resolve("haproxy.log"));
                assertTrue(System.nanoTime() < deadline, "haproxy not listening after 10 s");
                Thread.sleep(20);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Skipped without HAProxy, failed under CI=true (as the load fault tests do). */
    private static void requireHaproxy() {
        if (Files.isExecutable(Path.of(HAPROXY))) {
            return;
        }
        String message = "this test needs " + HAPROXY + " (Debian: apt-get install haproxy)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message);
    }
}

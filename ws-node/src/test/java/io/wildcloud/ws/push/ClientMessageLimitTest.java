package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.common.api.CallbackPayload;
import io.wildcloud.ws.common.api.CallbackSignature;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.engine.memory.MemorySocketStore;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackPolicy;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.testing.Waits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session's client messages are bounded (README, "Client messages"): one frame of 32,768
 * messages, which is 64 KiB of {@code [0,0,...]}, must not become 32,768 callbacks to the
 * application. On real sockets, with a real callback server counting what reaches it, through the
 * SockJS layer and the push service as {@link PushOverSockJsTest} wires them.
 */
class ClientMessageLimitTest {

    private static final String SECRET = "demo-secret-0123456789";

    private final MemorySessionStore sessions = new MemorySessionStore();
    private MemorySocketStore sockets;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EventLoopGroup group;
    private CallbackServer callbacks;
    private PushModule module;
    private Channel publicServer;
    private Channel apiServer;
    private URI publicBase;
    private URI apiBase;

    @BeforeEach
    void start() throws Exception {
        callbacks = new CallbackServer();
        sockets = new MemorySocketStore(sessions, Duration.ofHours(1));
        // Room for the 32,768 messages in one frame (65,537 bytes): the message limit must stop it, not the byte limit.
        module = new PushModule(ApplicationRegistry.parse("demo:" + SECRET), sockets,
                sessions, PushLimits.defaults().withMaxMessageBytes(128 * 1024)
                        .withCallback(CallbackPolicy.defaults().withAddresses(CallbackAddresses.allowing("127.0.0.0/8"))),
                SockJsOptions.defaults());
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        SockJsHandler sockjs = new SockJsHandler(module.resolver(), sessions, "test-node");
        publicServer = bind(() -> new HttpObjectAggregator(1 << 20), () -> sockjs);
        apiServer = bind(module.api()::newAggregator, module.api()::newHandler);
        publicBase = URI.create("http://127.0.0.1:" + ((InetSocketAddress) publicServer.localAddress()).getPort());
        apiBase = URI.create("http://127.0.0.1:" + ((InetSocketAddress) apiServer.localAddress()).getPort());
    }

    private Channel bind(Supplier<ChannelHandler> aggregator, Supplier<ChannelHandler> handler) throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), aggregator.get(), handler.get());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        publicServer.close().syncUninterruptibly();
        apiServer.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        module.close();
        sessions.close();
        callbacks.close();
    }

    private HttpResponse<String> send(String method, URI uri, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(uri).method(method, publisher).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String api(String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = send(method, apiBase.resolve(path), body);
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }

    /** One xhr poll; only called when something is pending, so it never waits for a heartbeat. */
    private String poll(String socket, String session) throws Exception {
        HttpResponse<String> response = send("POST", publicBase.resolve("/" + socket + "/000/" + session + "/xhr"), "");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static final String CLOSE_FRAME = "c[4429,\"Too many messages: at most 100 a second, 500 at once\"]";

    /** {@code [0,0,...]}: {@code count} messages of one character each, in one frame. */
    private static String frameOf(int count) {
        return "[" + String.join(",", java.util.Collections.nCopies(count, "0")) + "]";
    }

    private String authorize(String user) throws Exception {
        return ApiJson.GSON.fromJson(api("POST", "/authorize/" + SECRET + "/" + user,
                "{\"callback\":\"" + callbacks.uri("/cb") + "\"}", 200), AuthorizeResponse.class).socketId();
    }

    @Test
    void aWebsocketFrameOf32768MessagesIsRefusedWholeAndClosesTheSessionAfterALegitBurstPassed() throws Exception {
        String socket = authorize("ws-flood");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + publicBase.getPort() + "/" + socket + "/000/w1/websocket"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        frames.add("closed " + statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertEquals("o", frames.poll(10, TimeUnit.SECONDS));

        // What sockjs-client sends after a quick run of sends: one frame of what was buffered.
        ws.sendText(frameOf(200), true).get(10, TimeUnit.SECONDS);
        Waits.await(() -> callbacks.received().size() == 200, () -> callbacks.received().size() + " of 200 callbacks",
                Duration.ofSeconds(20));

        ws.sendText(frameOf(32_768), true).get(10, TimeUnit.SECONDS);
        assertEquals(CLOSE_FRAME, frames.poll(10, TimeUnit.SECONDS),
                "after " + callbacks.received().size() + " callbacks");
        String end = frames.poll(10, TimeUnit.SECONDS);
        assertTrue(end != null && end.startsWith("closed "), end);
        // Refused whole, before any of it was handed on: the callbacks are the legit burst's alone.
        assertEquals(200, callbacks.received().size());
    }

    @Test
    void anXhrSendOrJsonpSendOf32768MessagesIsAnswered429AndClosesTheSession() throws Exception {
        String socket = authorize("http-flood");
        String payload = frameOf(32_768);
        Map<String, HttpRequest.BodyPublisher> sends = new java.util.LinkedHashMap<>();
        sends.put("xhr_send", HttpRequest.BodyPublishers.ofString(payload));
        sends.put("jsonp_send", HttpRequest.BodyPublishers.ofString(
                "d=" + java.net.URLEncoder.encode(payload, StandardCharsets.UTF_8)));
        for (Map.Entry<String, HttpRequest.BodyPublisher> send : sends.entrySet()) {
            String session = "s-" + send.getKey();
            assertEquals("o\n", poll(socket, session));
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    publicBase.resolve("/" + socket + "/000/" + session + "/" + send.getKey()))
                    .POST(send.getValue()).timeout(Duration.ofSeconds(20));
            if (send.getKey().equals("jsonp_send")) {
                request.header("Content-Type", "application/x-www-form-urlencoded");
            }
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, answer.statusCode(), send.getKey() + " after " + callbacks.received().size()
                    + " callbacks: " + answer.body());
            assertTrue(answer.body().contains("too_many_messages") && answer.body().contains("500 at once"),
                    answer.body());
            assertEquals(CLOSE_FRAME + "\n", poll(socket, session));
            assertEquals(0, callbacks.received().size(), send.getKey());
        }
        // A session under the limit is not touched by the others' refusals.
        assertEquals("o\n", poll(socket, "s-legit"));
        assertEquals(204, send("POST", publicBase.resolve("/" + socket + "/000/s-legit/xhr_send"), frameOf(300))
                .statusCode());
        Waits.await(() -> callbacks.received().size() == 300, () -> callbacks.received().size() + " of 300 callbacks",
                Duration.ofSeconds(20));
    }
}

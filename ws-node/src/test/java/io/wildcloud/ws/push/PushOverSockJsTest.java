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
 * The push service behind the real SockJS layer on real sockets: the public port with
 * {@link SockJsHandler} and {@link PushModule#resolver()}, the API port as {@link PushModule}
 * wires it, and a real callback server. xhr-polling stands for every transport here (ws-it runs
 * them all); what this checks is the service's side of the contract.
 */
class PushOverSockJsTest {

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
        module = new PushModule(ApplicationRegistry.parse("demo:" + SECRET), sockets,
                sessions, PushLimits.defaults().withMaxSessionsPerSocket(2).withMaxMessageBytes(1000)
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

    @Test
    void anXhrSendToASessionWhoseSocketIsGoneIsDroppedAndClosesTheSession() throws Exception {
        String socket = ApiJson.GSON.fromJson(api("POST", "/authorize/" + SECRET + "/gone",
                "{\"callback\":\"" + callbacks.uri("/cb") + "\"}", 200), AuthorizeResponse.class).socketId();
        assertEquals("o\n", poll(socket, "s1"));
        // Gone from the store as by expiry: nothing closed the session.
        assertTrue(sockets.revoke("demo", "gone").toCompletableFuture().get(10, TimeUnit.SECONDS).isPresent());
        assertEquals(204, send("POST", publicBase.resolve("/" + socket + "/000/s1/xhr_send"), "[\"lost\"]").statusCode());
        assertEquals(List.of(), callbacks.received());
        assertEquals("c[4004,\"Unknown socket\"]\n", poll(socket, "s1"));
        assertEquals(404, send("POST", publicBase.resolve("/" + socket + "/000/s2/xhr_send"), "[\"x\"]").statusCode(),
                "a session that never was");
    }

    @Test
    void aSessionHasAtMostFourSendsWaitingAndTheOneOverIsAnswered429() throws Exception {
        String socket = ApiJson.GSON.fromJson(api("POST", "/authorize/" + SECRET + "/sender",
                "{\"callback\":\"" + callbacks.uri("/cb") + "\"}", 200), AuthorizeResponse.class).socketId();
        assertEquals("o\n", poll(socket, "s1"));
        // A poll held open keeps the session from ending after its disconnect delay meanwhile.
        http.sendAsync(HttpRequest.newBuilder(publicBase.resolve("/" + socket + "/000/s1/xhr"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        // The first callback is held, so every send of the session waits (the later ones behind it).
        CountDownLatch release = new CountDownLatch(1);
        callbacks.script(r -> new CallbackServer.Reply(200, release));
        URI sendUri = publicBase.resolve("/" + socket + "/000/s1/xhr_send");
        List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean refused = false;
            // Sent one by one until one is refused: the earlier ones reach the node in their own time.
            while (!refused && System.nanoTime() < deadline) {
                CompletableFuture<HttpResponse<String>> next = http.sendAsync(HttpRequest.newBuilder(sendUri)
                        .POST(HttpRequest.BodyPublishers.ofString("[\"m" + sends.size() + "\"]"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                sends.add(next);
                try {
                    refused = next.get(200, TimeUnit.MILLISECONDS).statusCode() == 429;
                } catch (java.util.concurrent.TimeoutException waiting) {
                    // held, as it should be while fewer than four wait
                }
            }
            assertTrue(refused, "no send was refused; of " + sends.size() + " sends these were answered: "
                    + sends.stream().filter(CompletableFuture::isDone).map(f -> f.isCompletedExceptionally()
                            ? "failed" : Integer.toString(f.join().statusCode())).distinct().toList());
        } finally {
            release.countDown();
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < sends.size(); i++) {
            HttpResponse<String> answer = sends.get(i).get(30, TimeUnit.SECONDS);
            if (answer.statusCode() == 204) {
                accepted.add("m" + i);
            } else {
                assertEquals(429, answer.statusCode(), answer.body());
                assertTrue(answer.body().contains("too_many_sends"), answer.body());
            }
        }
        assertEquals(4, accepted.size(), "sends taken: " + accepted);
        // Each accepted one reached the callback (their order is the order they reached the node;
        // distinct, since a callback held past callback-timeout on a slow machine is sent again).
        List<String> delivered = callbacks.received().stream().map(r -> CallbackPayload.fromJson(r.body()).message())
                .distinct().sorted().toList();
        assertEquals(accepted.stream().sorted().toList(), delivered);
        // Once answered, the session sends again.
        callbacks.script(r -> CallbackServer.Reply.status(200));
        assertEquals(204, send("POST", sendUri, "[\"after\"]").statusCode());
    }

    @Test
    void theWholeFlowOverXhrPolling() throws Exception {
        String socket = ApiJson.GSON.fromJson(api("POST", "/authorize/" + SECRET + "/user-1",
                "{\"callback\":\"" + callbacks.uri("/cb") + "\"}", 200), AuthorizeResponse.class).socketId();
        assertEquals(200, send("GET", publicBase.resolve("/" + socket + "/info"), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + SocketIds.next() + "/info"), null).statusCode());

        assertEquals("o\n", poll(socket, "s1"));
        HttpResponse<String> sent = send("POST", publicBase.resolve("/" + socket + "/000/s1/xhr_send"),
                "[\"hello\",\"world\"]");
        assertEquals(204, sent.statusCode());
        List<CallbackServer.Received> received = callbacks.received();
        assertEquals(2, received.size(), "the send was acknowledged after its callbacks");
        assertEquals(new CallbackPayload("hello", "s1", "user-1"), CallbackPayload.fromJson(received.get(0).body()));
        assertEquals(new CallbackPayload("world", "s1", "user-1"), CallbackPayload.fromJson(received.get(1).body()));
        assertTrue(CallbackSignature.verify(SECRET, received.get(0).body().getBytes(StandardCharsets.UTF_8),
                received.get(0).signature()));

        HttpResponse<String> tooLarge = send("POST", publicBase.resolve("/" + socket + "/000/s1/xhr_send"),
                "[\"" + "x".repeat(1000) + "\"]");
        assertEquals(413, tooLarge.statusCode(), "the push limit reaches the SockJS layer");
        assertEquals(2, callbacks.received().size());
        assertEquals(413, send("POST", apiBase.resolve("/publish/" + socket),
                "{\"message\":\"" + "x".repeat(1001) + "\"}").statusCode());

        assertEquals("{\"sessions\":1,\"queue_full\":0}", api("POST", "/publish/" + socket, "{\"message\":\"pushed\"}", 200));
        assertEquals("a[\"pushed\"]\n", poll(socket, "s1"));

        assertEquals("o\n", poll(socket, "s2"));
        assertEquals("{\"sessions\":1,\"queue_full\":0}",
                api("POST", "/publish/" + socket + "/s2", "{\"message\":{\"only\":\"s2\"}}", 200));
        assertEquals("a[\"{\\\"only\\\":\\\"s2\\\"}\"]\n", poll(socket, "s2"));
        assertEquals("{\"sessions\":2,\"queue_full\":0}", api("POST", "/publish/" + socket, "{\"message\":\"both\"}", 200));
        assertEquals("a[\"both\"]\n", poll(socket, "s1"));
        assertEquals("a[\"both\"]\n", poll(socket, "s2"));

        // Over the limit: the close frame instead of "o", and the session stays closed.
        assertEquals("c[4002,\"Too many sessions for this socket\"]\n", poll(socket, "s3"));
        assertEquals("c[4002,\"Too many sessions for this socket\"]\n", poll(socket, "s3"));

        // A held poll (as sockjs-client keeps one open) receives the revocation's close frame. Two
        // polls race for the session's one receiver slot: the loser answers 2010 at once, the winner
        // is the held one.
        CompletableFuture<HttpResponse<String>> first = pollAsync(socket, "s1");
        CompletableFuture<HttpResponse<String>> second = pollAsync(socket, "s1");
        CompletableFuture.anyOf(first, second).get(10, TimeUnit.SECONDS);
        CompletableFuture<HttpResponse<String>> loser = first.isDone() ? first : second;
        CompletableFuture<HttpResponse<String>> held = loser == first ? second : first;
        assertTrue(loser.get().body().startsWith("c[2010,"), loser.get().body());
        assertFalse(held.isDone(), "one poll stays held");
        assertEquals("{\"socket_id\":\"" + socket + "\",\"sessions_closed\":2}",
                api("DELETE", "/authorize/" + SECRET + "/user-1", null, 200));
        assertEquals("c[4001,\"Socket revoked\"]\n", held.get(10, TimeUnit.SECONDS).body());
        // A session with no connection open at that moment (a client between two polls): the
        // socket is gone, but its next poll still learns why (4001, not a 404 the client sees as 1006).
        assertEquals("c[4001,\"Socket revoked\"]\n", poll(socket, "s2"));
        // Everything else about the socket is unknown: new sessions on any transport, the pages.
        assertEquals(404, send("POST", publicBase.resolve("/" + socket + "/000/s9/xhr"), "").statusCode());
        assertEquals(404, send("POST", publicBase.resolve("/" + socket + "/000/s9/xhr_streaming"), "").statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket + "/000/s9/eventsource"), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket + "/000/s9/jsonp?c=cb"), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket + "/000/s9/htmlfile?c=cb"), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket + "/000/s9/websocket"), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket + "/websocket"), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket + "/info"), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket), null).statusCode());
        assertEquals(404, send("GET", publicBase.resolve("/" + socket + "/iframe.html"), null).statusCode());
        assertEquals(404, send("POST", publicBase.resolve("/" + socket + "/000/s9/xhr"), "").statusCode(),
                "the 404s created no session");
        // The closed session answers every receiving transport with its close frame while it lives.
        assertEquals("/**/cb(\"c[4001,\\\"Socket revoked\\\"]\");\r\n",
                send("GET", publicBase.resolve("/" + socket + "/000/s2/jsonp?c=cb"), null).body());
        assertTrue(send("POST", publicBase.resolve("/" + socket + "/000/s2/xhr_streaming"), "").body()
                .endsWith("h\nc[4001,\"Socket revoked\"]\n"));
        assertEquals("\r\ndata: c[4001,\"Socket revoked\"]\r\n\r\n",
                send("GET", publicBase.resolve("/" + socket + "/000/s2/eventsource"), null).body());
        assertTrue(send("GET", publicBase.resolve("/" + socket + "/000/s2/htmlfile?c=cb"), null).body()
                .endsWith("<script>\np(\"c[4001,\\\"Socket revoked\\\"]\");\n</script>\r\n"));
        assertEquals("c[4001,\"Socket revoked\"]\n", poll(socket, "s2"));
    }

    private CompletableFuture<HttpResponse<String>> pollAsync(String socket, String session) {
        return http.sendAsync(HttpRequest.newBuilder(publicBase.resolve("/" + socket + "/000/" + session + "/xhr"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWebsocketSessionSendsInOrderReceivesPublishesAndIsClosedByRevoke() throws Exception {
        String socket = ApiJson.GSON.fromJson(api("POST", "/authorize/" + SECRET + "/user-ws",
                "{\"callback\":\"" + callbacks.uri("/cb") + "\"}", 200), AuthorizeResponse.class).socketId();
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

        for (int i = 0; i < 20; i++) {
            ws.sendText("[\"m" + i + "\"]", true).get(10, TimeUnit.SECONDS);
        }
        Waits.await(() -> callbacks.received().size() == 20, "20 callbacks", Duration.ofSeconds(10));
        List<String> messages = callbacks.received().stream()
                .map(r -> CallbackPayload.fromJson(r.body()).message()).toList();
        assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "m" + i).toList(), messages);

        assertEquals("{\"sessions\":1,\"queue_full\":0}", api("POST", "/publish/" + socket + "/w1",
                "{\"message\":\"to the websocket\"}", 200));
        assertEquals("a[\"to the websocket\"]", frames.poll(10, TimeUnit.SECONDS));

        api("DELETE", "/authorize/" + SECRET + "/user-ws", null, 200);
        assertEquals("c[4001,\"Socket revoked\"]", frames.poll(10, TimeUnit.SECONDS));
        // The SockJS close frame is what the client reads; the websocket then ends (its code is the layer's).
        String end = frames.poll(10, TimeUnit.SECONDS);
        assertTrue(end != null && end.startsWith("closed "), end);
    }
}

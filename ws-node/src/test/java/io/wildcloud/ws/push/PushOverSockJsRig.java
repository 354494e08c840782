package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.engine.memory.MemorySocketStore;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackPolicy;
import io.wildcloud.ws.push.callback.CallbackServer;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The push service behind the real SockJS layer on real sockets, for tests: the public port with
 * {@link SockJsHandler} and {@link PushModule#resolver()}, the API port as {@link PushModule}
 * wires it, a memory engine and a real callback server on loopback (which the callback policy
 * allows here).
 */
final class PushOverSockJsRig implements AutoCloseable {

    static final String SECRET = "demo-secret-0123456789";

    final MemorySessionStore sessions;
    final MemorySocketStore sockets;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final CallbackServer callbacks;
    final PushModule module;
    final URI publicBase;
    final URI apiBase;
    private final EventLoopGroup group;
    /** The accepted connections: closed before the loops stop, so that their pipelines release what they hold. */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel publicServer;
    private final Channel apiServer;

    /** The application {@code demo} with {@link #SECRET}, under {@code limits}. */
    PushOverSockJsRig(PushLimits limits) throws Exception {
        this(limits, new MemorySessionStore());
    }

    /** As {@link #PushOverSockJsRig(PushLimits)}, its sessions in {@code sessions} (the rig closes it). */
    PushOverSockJsRig(PushLimits limits, MemorySessionStore sessions) throws Exception {
        this.sessions = sessions;
        this.sockets = new MemorySocketStore(sessions, Duration.ofHours(1));
        callbacks = new CallbackServer();
        module = new PushModule(ApplicationRegistry.parse("demo:" + SECRET), sockets, sessions,
                limits.withCallback(CallbackPolicy.defaults().withAddresses(CallbackAddresses.allowing("127.0.0.0/8"))),
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
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), aggregator.get(), handler.get());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    HttpResponse<String> send(String method, URI uri, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(uri).method(method, publisher).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An API request that must be answered {@code status}; its body. */
    String api(String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = send(method, apiBase.resolve(path), body);
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }

    /** One xhr poll; only called when something is pending, so it never waits for a heartbeat. */
    String poll(String socket, String session) throws Exception {
        HttpResponse<String> response = send("POST", publicBase.resolve("/" + socket + "/000/" + session + "/xhr"), "");
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** Authorizes {@code client} of the application, its callback on the rig's callback server; its socket id. */
    String authorize(String client) throws Exception {
        return ApiJson.GSON.fromJson(api("POST", "/authorize/" + SECRET + "/" + client,
                "{\"callback\":\"" + callbacks.uri("/cb") + "\"}", 200), AuthorizeResponse.class).socketId();
    }

    /**
     * Opens session {@code session} of {@code socket} over a SockJS websocket; its text frames go
     * to {@code frames} (whole, however many parts the client read them in), and its close as
     * {@code "closed <code>"}.
     */
    WebSocket openWebSocket(String socket, String session, BlockingQueue<String> frames) throws Exception {
        return http.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + publicBase.getPort() + "/" + socket + "/000/" + session + "/websocket"),
                new WebSocket.Listener() {
                    private final StringBuilder frame = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        frame.append(data);
                        if (last) {
                            frames.add(frame.toString());
                            frame.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        frames.add("closed " + statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        publicServer.close().syncUninterruptibly();
        apiServer.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        module.close();
        sessions.close();
        callbacks.close();
    }
}

package io.wildcloud.ws.push;

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
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.AuthorizeRequest;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.common.api.PublishRequest;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.engine.memory.MemorySocketStore;
import io.wildcloud.ws.push.module.PushModule;
import io.wildcloud.ws.sockjs.SockJsOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API port as {@link PushModule} wires it, on a real socket, with real HTTP clients. */
class PushApiOverTcpTest {

    private static final String SECRET = "demo-secret-0123456789";

    private final MemorySessionStore sessions = new MemorySessionStore();
    private EventLoopGroup group;
    private Channel server;
    private PushModule module;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        module = new PushModule(ApplicationRegistry.parse("demo:" + SECRET), new MemorySocketStore(sessions, Duration.ofHours(1)),
                sessions, PushLimits.defaults().withMaxApiBodyBytes(70_000 * 6), SockJsOptions.defaults());
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http-codec", new HttpServerCodec())
                                .addLast("api-aggregator", module.api().newAggregator())
                                .addLast("api", module.api().newHandler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        base = URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        module.close();
        sessions.close();
    }

    @Test
    void authorizeAndPublishWithTheJdkClient() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> authorized = client.send(HttpRequest.newBuilder(base.resolve("/authorize/" + SECRET + "/u1"))
                .POST(HttpRequest.BodyPublishers.ofString(ApiJson.toJson(new AuthorizeRequest("https://app.example/cb"))))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, authorized.statusCode());
        assertEquals("application/json; charset=UTF-8", authorized.headers().firstValue("content-type").orElseThrow());
        String socket = ApiJson.GSON.fromJson(authorized.body(), AuthorizeResponse.class).socketId();
        assertTrue(SocketIds.isWellFormed(socket), socket);

        HttpResponse<String> published = client.send(HttpRequest.newBuilder(base.resolve("/publish/" + socket))
                .POST(HttpRequest.BodyPublishers.ofString(PublishRequest.of("hi").toJson())).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, published.statusCode());
        assertEquals("{\"sessions\":0,\"queue_full\":0}", published.body());
    }

    @Test
    void aKeptAliveConnectionServesRequestAfterRequestEvenAfterA413() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String oversized = "x".repeat(70_000 * 6 + 1);
            out.write(("POST /publish/abc HTTP/1.1\r\nHost: api\r\nContent-Length: " + oversized.length()
                    + "\r\n\r\n" + oversized).getBytes(StandardCharsets.US_ASCII));
            out.write("GET /nope HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String first = readResponse(in);
            assertTrue(first.startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"), first);
            assertTrue(first.endsWith("{\"error\":\"body_too_large\",\"message\":\"The request body is larger than 420000 bytes.\"}"), first);
            String second = readResponse(in);
            assertTrue(second.startsWith("HTTP/1.1 404 Not Found\r\n"), second);
            assertTrue(second.contains("{\"error\":\"not_found\""), second);
        }
    }

    @Test
    void anExpectContinueRequestGetsTheJson413InsteadOf100AndTheConnectionGoesOn() throws Exception {
        // Raw socket: the JDK 17 HttpClient waits forever when a final status replaces the 100.
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /publish/abc HTTP/1.1\r\nHost: api\r\nExpect: 100-continue\r\nContent-Length: 1000000"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String refused = readResponse(in);
            assertTrue(refused.startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"), refused);
            assertTrue(refused.endsWith("{\"error\":\"body_too_large\",\"message\":\"The request body is larger than 420000 bytes.\"}"), refused);
            out.write("GET /nope HTTP/1.1\r\nHost: api\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String next = readResponse(in);
            assertTrue(next.startsWith("HTTP/1.1 404 Not Found\r\n"), next);
        }
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed after " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int at = headers.toLowerCase().indexOf("content-length: ") + "content-length: ".length();
        int length = Integer.parseInt(headers.substring(at, headers.indexOf("\r\n", at)).trim());
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}

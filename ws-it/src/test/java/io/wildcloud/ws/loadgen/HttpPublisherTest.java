package io.wildcloud.ws.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The publisher against a small HTTP server that closes connections and answers errors on purpose. */
class HttpPublisherTest {

    private final MultiThreadIoEventLoopGroup serverLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ClientLoops clientLoops = ClientLoops.create(1);
    private final Queue<String> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    @AfterEach
    void stop() {
        clientLoops.close();
        serverLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void publishesOverKeptAliveConnectionsReopensClosedOnesAndReportsStatuses() throws Exception {
        URI api = URI.create("http://127.0.0.1:" + startServer() + "/");
        try (HttpPublisher publisher = new HttpPublisher(clientLoops, List.of(api), 2)) {
            publisher.connect();
            List<CompletableFuture<Integer>> published = new java.util.ArrayList<>();
            for (int seq = 1; seq <= 40; seq++) {
                published.add(publisher.publish(seq % 10 == 0 ? "refused" : "socket" + seq, seq));
            }
            for (int seq = 1; seq <= 40; seq++) {
                assertEquals(seq % 10 == 0 ? 503 : 200, published.get(seq - 1).get(10, TimeUnit.SECONDS), "publish " + seq);
                // The answer's count of sessions queued for: the server queues for none of socket7's.
                int sessions = ((HttpPublisher.Publish) published.get(seq - 1)).sessions();
                assertEquals(seq % 10 == 0 ? -1 : seq == 7 ? 0 : 1, sessions, "sessions of publish " + seq);
            }
        }
        assertEquals(40, requests.size());
        // Two connections: the server may read socket2's request before socket1's.
        String socket1 = requests.stream().filter(r -> r.startsWith("/publish/socket1 ")).findFirst().orElseThrow();
        assertTrue(socket1.matches("/publish/socket1 \\{\"message\":\"1:\\d+\"}"), socket1);
        // Every fourth answer said Connection: close; the publisher opened a new connection each time
        // (after the last one it may already be closing).
        assertTrue(connectionsAccepted.get() >= 2 + 9, "connections accepted: " + connectionsAccepted.get());
    }

    @Test
    void publishesFailWhenNoConnectionCanBeOpened() throws Exception {
        int port = startServer();
        URI api = URI.create("http://127.0.0.1:" + port + "/");
        try (HttpPublisher publisher = new HttpPublisher(clientLoops, List.of(api), 1)) {
            publisher.connect();
            serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            CompletableFuture<Integer> publish = publisher.publish("socket1", 1);
            ExecutionException failure = assertThrows(ExecutionException.class, () -> publish.get(20, TimeUnit.SECONDS));
            assertTrue(failure.getCause() instanceof java.io.IOException, failure.toString());
        }
    }

    @Test
    void onlyPlainHttpApiUrlsAreAccepted() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new HttpPublisher(clientLoops, List.of(URI.create("https://127.0.0.1:1/")), 1));
        assertTrue(error.getMessage().contains("https://127.0.0.1:1/"), error.getMessage());
    }

    private int startServer() {
        Channel server = new ServerBootstrap().group(serverLoops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connectionsAccepted.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        requests.add(request.uri() + " " + request.content().toString(StandardCharsets.UTF_8));
                                        boolean refuse = request.uri().endsWith("/refused");
                                        boolean close = answered.incrementAndGet() % 4 == 0;
                                        String body = refuse ? "{}" : "{\"sessions\":"
                                                + (request.uri().endsWith("/socket7") ? 0 : 1) + ",\"queue_full\":0}";
                                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                refuse ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                                                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
                                        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
                                        if (close) {
                                            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                                            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                                        } else {
                                            ctx.writeAndFlush(response);
                                        }
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }
}

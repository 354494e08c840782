package io.wildcloud.ws.it.balancer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain round-robin HTTP balancer for tests, with no stickiness of any kind: every request, even
 * the next one on a keep-alive connection, goes to the next backend in turn. It is what the
 * product must survive, and what nginx or HAProxy with plain round robin do.
 *
 * <ul>
 *   <li>Requests are parsed, responses are not re-encoded: response bytes are relayed as they
 *       arrive, so chunk boundaries, streaming and held polls pass through untouched.</li>
 *   <li>A websocket upgrade turns the pair of connections into a raw byte pipe.</li>
 *   <li>A backend that refuses the connection is skipped (as nginx's {@code proxy_next_upstream
 *       error} does); a backend that dies mid-response closes the client's connection.</li>
 *   <li>A client that goes away closes the backend connection, so the node sees the abort.</li>
 * </ul>
 *
 * Binds 127.0.0.1 on a free port. Counts the requests each backend received.
 */
public final class RoundRobinBalancer implements AutoCloseable {

    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    private final List<InetSocketAddress> backends;
    private final AtomicIntegerArray requestCounts;
    private final AtomicLong turn = new AtomicLong();
    private final EventLoopGroup group;
    private final Channel serverChannel;

    private RoundRobinBalancer(List<InetSocketAddress> backends) throws InterruptedException {
        this.backends = List.copyOf(backends);
        this.requestCounts = new AtomicIntegerArray(backends.size());
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(FrontendHandler.DECODER, new HttpRequestDecoder())
                                    .addLast(FrontendHandler.AGGREGATOR, new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast(FrontendHandler.NAME, new FrontendHandler(RoundRobinBalancer.this));
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts a balancer in front of {@code backends}, in that rotation order. */
    public static RoundRobinBalancer start(List<InetSocketAddress> backends) throws InterruptedException {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("a balancer needs at least one backend");
        }
        return new RoundRobinBalancer(backends);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** How many requests backend {@code index} has been sent. */
    public int requestsTo(int index) {
        return requestCounts.get(index);
    }

    /** Requests per backend, in backend order. */
    public List<Integer> requestCounts() {
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < requestCounts.length(); i++) {
            counts.add(requestCounts.get(i));
        }
        return counts;
    }

    int backendCount() {
        return backends.size();
    }

    /** The backend whose turn it is; each call moves the rotation on by one. */
    int nextBackendIndex() {
        return (int) Math.floorMod(turn.getAndIncrement(), (long) backends.size());
    }

    InetSocketAddress backend(int index) {
        return backends.get(index);
    }

    void countRequest(int index) {
        requestCounts.incrementAndGet(index);
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

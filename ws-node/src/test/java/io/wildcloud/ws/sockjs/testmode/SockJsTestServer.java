package io.wildcloud.ws.sockjs.testmode;

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
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.edge.PipelineNames;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.http.ClientScriptHandler;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import java.net.InetSocketAddress;

/**
 * A real Netty server with the protocol-test endpoints over the memory store, for tests over real
 * sockets and for running the official SockJS suite by hand:
 * {@code java -cp <test classpath> io.wildcloud.ws.sockjs.testmode.SockJsTestServer [port]}.
 */
public final class SockJsTestServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final MemorySessionStore store;
    private final Channel serverChannel;

    private SockJsTestServer(int port, SockJsOptions options) throws InterruptedException {
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        this.store = new MemorySessionStore();
        SockJsHandler sockjs = new SockJsHandler(new ProtocolTestEndpoints(options), store, "test-node");
        ClientScriptHandler scripts = new ClientScriptHandler();
        this.serverChannel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // As the node's public port: a peer that does not read is cut off.
                        ch.pipeline()
                                .addLast("write-backlog", new io.wildcloud.ws.node.http.WriteBacklogLimit(
                                        io.wildcloud.ws.node.config.WebSocketPolicy.DEFAULT_MAX_WRITE_BACKLOG_BYTES,
                                        io.wildcloud.ws.node.http.WriteMemory.unlimited(
                                                io.wildcloud.ws.node.http.WriteMemory.CutOff.Counter.NONE)))
                                .addLast("http-codec", new HttpServerCodec())
                                .addLast("http-aggregator", new HttpObjectAggregator(1 << 20))
                                .addLast(PipelineNames.CLIENT_SCRIPT, scripts)
                                .addLast(PipelineNames.SOCKJS, sockjs);
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    /** Starts on 127.0.0.1 and the given port (0: any free one). */
    public static SockJsTestServer start(int port, SockJsOptions options) throws InterruptedException {
        return new SockJsTestServer(port, options);
    }

    public static SockJsTestServer start() throws InterruptedException {
        return start(0, SockJsOptions.defaults());
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public MemorySessionStore store() {
        return store;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        store.close();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        SockJsTestServer server = start(port, SockJsOptions.defaults());
        System.out.println("SockJS protocol-test server on " + server.baseUrl());
        server.serverChannel.closeFuture().sync();
    }
}

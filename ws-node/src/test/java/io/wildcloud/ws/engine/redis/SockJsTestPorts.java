package io.wildcloud.ws.engine.redis;

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
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A loopback port that serves one {@link SockJsHandler} on an event loop of its own (no guards). */
final class SockJsTestPorts {

    private SockJsTestPorts() {
    }

    /** Binds it; {@code cleanup} gets what closes it. Returns its base URL ({@code http://127.0.0.1:<port>}). */
    static String serve(SockJsHandler sockjs, List<AutoCloseable> cleanup) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
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

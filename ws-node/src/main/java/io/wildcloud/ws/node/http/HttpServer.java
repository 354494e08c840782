package io.wildcloud.ws.node.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/** One listening port: binds, reports the port it got, stops accepting on request. */
public final class HttpServer {

    private final String name;
    private final Channel serverChannel;

    private HttpServer(String name, Channel serverChannel) {
        this.name = name;
        this.serverChannel = serverChannel;
    }

    public static HttpServer bind(String name, String host, int port, NetworkTransport transport,
                                  EventLoopGroup boss, EventLoopGroup workers,
                                  ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        Channel channel = bootstrap.bind(host, port).sync().channel();
        return new HttpServer(name, channel);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting new connections; open ones carry on. */
    public void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }

    @Override
    public String toString() {
        return name + " " + serverChannel.localAddress();
    }
}

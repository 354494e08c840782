package io.wildcloud.ws.node.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One listening port: binds, reports the port it got, stops accepting on request. A port bound
 * with {@link #bindOwningConnections} also ends the connections it accepted, when asked.
 */
public final class HttpServer {

    private final String name;
    private final Channel serverChannel;
    /** Null for a port whose connections outlive its listening (the node's ports: the drain ends them). */
    private final OwnedConnections owned;

    private HttpServer(String name, Channel serverChannel, OwnedConnections owned) {
        this.name = name;
        this.serverChannel = serverChannel;
        this.owned = owned;
    }

    public static HttpServer bind(String name, String host, int port, NetworkTransport transport,
                                  EventLoopGroup boss, EventLoopGroup workers,
                                  ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
        return new HttpServer(name, bindChannel(host, port, transport, boss, workers, initializer), null);
    }

    /**
     * A port whose every accepted connection {@link #closeWithConnections} ends (the start-up
     * warm-up's private ports: a peer that connected to one must not stay on its private pipeline).
     * The node's own ports do not pay for the tracking: their drain hands their connections on.
     */
    public static HttpServer bindOwningConnections(String name, String host, int port, NetworkTransport transport,
            EventLoopGroup boss, EventLoopGroup workers, ChannelInitializer<SocketChannel> initializer)
            throws InterruptedException {
        OwnedConnections owned = new OwnedConnections(name, boss, initializer);
        return new HttpServer(name, bindChannel(host, port, transport, boss, workers, owned), owned);
    }

    private static Channel bindChannel(String host, int port, NetworkTransport transport, EventLoopGroup boss,
            EventLoopGroup workers, ChannelInitializer<SocketChannel> initializer) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        return bootstrap.bind(host, port).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting new connections; open ones carry on. */
    public void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }

    /**
     * Stops accepting and closes every connection this port accepted, waiting up to {@code bound}
     * for them to close; one still waiting for its registration closes as soon as it registers.
     * Closed, a connection's handlers free what it held (its SockJS session is let go as a
     * client's that left). Only for a port bound with {@link #bindOwningConnections}.
     *
     * @return whether every connection was closed within {@code bound}
     */
    public boolean closeWithConnections(Duration bound) {
        if (owned == null) {
            throw new IllegalStateException(name + " does not own its connections");
        }
        stopAccepting();
        return owned.closeAll(bound);
    }

    /**
     * The connections of one port, each added as it registers (before the port's own initializer
     * runs). Added, then checked against {@link #closing}: a connection registered while
     * {@link #closeAll} runs is either in the group it closes or closes itself.
     */
    @ChannelHandler.Sharable
    private static final class OwnedConnections extends ChannelInitializer<SocketChannel> {
        private final ChannelGroup accepted;
        private final ChannelInitializer<SocketChannel> portInitializer;
        private volatile boolean closing;

        OwnedConnections(String name, EventLoopGroup boss, ChannelInitializer<SocketChannel> portInitializer) {
            this.accepted = new DefaultChannelGroup(name, boss.next());
            this.portInitializer = portInitializer;
        }

        @Override
        protected void initChannel(SocketChannel ch) {
            accepted.add(ch);
            if (closing) {
                ch.close();
                return;
            }
            ch.pipeline().addLast(portInitializer);
        }

        boolean closeAll(Duration bound) {
            closing = true;
            return accepted.close().awaitUninterruptibly(bound.toMillis());
        }
    }

    @Override
    public String toString() {
        return name + " " + serverChannel.localAddress();
    }
}

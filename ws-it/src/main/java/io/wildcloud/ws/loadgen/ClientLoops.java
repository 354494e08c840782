package io.wildcloud.ws.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's few Netty event loops, shared by the publisher and the websocket sessions:
 * native epoll where Netty has it, NIO otherwise. A small group keeps the generator's own CPU low
 * so that the server under test is the bottleneck.
 */
public final class ClientLoops implements AutoCloseable {

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final String transportName;

    private final InetSocketAddress sourceAddress;

    private ClientLoops(EventLoopGroup group, Class<? extends SocketChannel> channelClass, String transportName,
                        InetSocketAddress sourceAddress) {
        this.group = group;
        this.channelClass = channelClass;
        this.transportName = transportName;
        this.sourceAddress = sourceAddress;
    }

    public static ClientLoops create(int threads) {
        return create(threads, null);
    }

    /** Loops whose connections go out from {@code sourceAddress} (any port), or from the system's choice when null. */
    public static ClientLoops create(int threads, String sourceAddress) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("loadgen-io", true), handlers);
        return new ClientLoops(group, epoll ? EpollSocketChannel.class : NioSocketChannel.class, epoll ? "epoll" : "nio",
                sourceAddress == null ? null : new InetSocketAddress(sourceAddress, 0));
    }

    /** A bootstrap on these loops, without a handler yet. */
    public Bootstrap bootstrap() {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        if (sourceAddress == null) {
            return bootstrap;
        }
        if (channelClass == EpollSocketChannel.class) {
            // Bound to an address only: the port is picked at connect, shareable with connections to
            // other destinations. A plain bind(port 0) reserves its port for every address, and a few
            // load generators' 100,000 of them left a balancer on the same machine no port to reach
            // its nodes from ("Cannot assign requested address").
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        return bootstrap.localAddress(sourceAddress);
    }

    EventLoopGroup group() {
        return group;
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        return transportName;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

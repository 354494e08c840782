package io.wildcloud.ws.node.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The socket layer the node's event loops use: Linux's native epoll where Netty's native library
 * loads (fewer system calls and no selector garbage per wake-up than NIO), NIO anywhere else.
 */
public enum NetworkTransport {
    EPOLL,
    NIO;

    /** The best transport this process can use. */
    public static NetworkTransport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * A group of {@code threads} event loops. Made as the (deprecated) transport-named subclass of
     * {@link MultiThreadIoEventLoopGroup}, the same loops: the callback HTTP client, which runs on
     * them, picks its channel type by the group's class.
     */
    @SuppressWarnings("deprecation")
    public EventLoopGroup newGroup(int threads) {
        return this == EPOLL ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    Class<? extends ServerChannel> serverChannelClass() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}

package io.wildcloud.ws.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.RawUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A load generator's connection from its own source address must not reserve its port for every
 * address: a balancer on the same machine connects to its nodes from ports of the same range, and
 * 100,000 reserved ports left it none ({@code deploy/many-sessions.sh}, "Cannot assign requested
 * address"). Linux's per-socket {@code IP_LOCAL_PORT_RANGE} (6.3+) pins a second, unbound
 * connection to exactly the load generator's port: the kernel lets it share the port with a
 * connection towards another destination, never with a port taken by {@code bind()}.
 */
class ClientLoopsTest {

    /** Linux's IPPROTO_IP option number for a socket's own ephemeral port range. */
    private static final int IP_LOCAL_PORT_RANGE = 51;
    private static final int IPPROTO_IP = 0;

    @Test
    void aConnectionFromASourceAddressLeavesItsPortToConnectionsElsewhere() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "needs Linux epoll");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket first = new ServerSocket(0, 50, loopback);
             ServerSocket second = new ServerSocket(0, 50, loopback);
             ClientLoops fromSource = ClientLoops.create(1, "127.0.0.2");
             ClientLoops plain = ClientLoops.create(1)) {
            Channel held = fromSource.bootstrap().handler(new ChannelInboundHandlerAdapter())
                    .connect(first.getLocalSocketAddress()).sync().channel();
            int port = ((InetSocketAddress) held.localAddress()).getPort();
            assertEquals("127.0.0.2", ((InetSocketAddress) held.localAddress()).getAddress().getHostAddress());

            // Low and high bound in one u32: the only port the kernel may pick is the held one.
            ByteBuffer onlyThatPort = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            onlyThatPort.putInt(0, port | port << 16);
            ChannelFuture elsewhere = plain.bootstrap().handler(new ChannelInboundHandlerAdapter())
                    .option(new RawUnixChannelOption("IP_LOCAL_PORT_RANGE", IPPROTO_IP, IP_LOCAL_PORT_RANGE, 4), onlyThatPort)
                    .connect(second.getLocalSocketAddress()).await();
            assertTrue(elsewhere.isSuccess(), "port " + port + " was reserved for every address: " + elsewhere.cause());
            assertEquals(port, ((InetSocketAddress) elsewhere.channel().localAddress()).getPort());
            elsewhere.channel().close().sync();
            held.close().sync();
        }
    }
}

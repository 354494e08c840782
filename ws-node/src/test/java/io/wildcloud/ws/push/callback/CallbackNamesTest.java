package io.wildcloud.ws.push.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.wildcloud.ws.node.http.NetworkTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Callback host names resolved on an event loop: answered there, and never for longer than the timeout. */
class CallbackNamesTest {

    /** Netty's DnsNameResolver's query timeout when none is set. */
    private static final long UNBOUNDED_QUERY_MILLIS = 5_000;

    private final EventLoopGroup loops = NetworkTransport.best().newGroup(1);

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private record Answer(List<InetAddress> addresses, Throwable error, boolean onTheLoop, long millis) {
    }

    private static Answer resolve(CallbackNames names, EventLoop loop, String host) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        long started = System.nanoTime();
        names.resolve(loop, host, (addresses, error) -> answer.complete(new Answer(addresses, error,
                loop.inEventLoop(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
        return answer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNameOfTheHostsFileIsAnsweredOnTheLoop() throws Exception {
        try (CallbackNames names = new CallbackNames(loops, 2000)) {
            Answer answer = resolve(names, loops.next(), "localhost");
            assertEquals(null, answer.error());
            assertTrue(answer.addresses().stream().anyMatch(InetAddress::isLoopbackAddress), answer.toString());
            assertTrue(answer.onTheLoop());
        }
    }

    @Test
    void aNameServerThatNeverAnswersEndsTheResolutionWithinItsTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                CallbackNames names = new CallbackNames(loops, 300,
                        new SingletonDnsServerAddressStreamProvider((InetSocketAddress) silent.getLocalSocketAddress()))) {
            EventLoop loop = loops.next();
            // The loop's resolver made first (a channel bound, a cold JVM's classes loaded): outside
            // the resolution's timeout, and the slow part on a loaded machine. localhost is the hosts file's.
            assertEquals(null, resolve(names, loop, "localhost").error());
            Answer answer = resolve(names, loop, "callbacks.example");
            assertInstanceOf(UnknownHostException.class, answer.error(), String.valueOf(answer.error()));
            // Unbounded, it would take Netty's query timeout (resolv.conf's, 5 s by default) per query:
            // well below that is the timeout's doing, with room for a late timer on a loaded machine.
            assertTrue(answer.millis() >= 250 && answer.millis() < UNBOUNDED_QUERY_MILLIS - 1_000, answer.millis() + " ms");
            assertTrue(answer.onTheLoop());
            silent.setSoTimeout(1000);
            silent.receive(new DatagramPacket(new byte[512], 512)); // it was asked
        }
    }
}

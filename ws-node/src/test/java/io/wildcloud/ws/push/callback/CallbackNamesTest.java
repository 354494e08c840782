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
            Answer answer = resolve(names, loops.next(), "callbacks.example");
            assertInstanceOf(UnknownHostException.class, answer.error(), String.valueOf(answer.error()));
            assertTrue(answer.millis() >= 250 && answer.millis() < 2000, answer.millis() + " ms");
            assertTrue(answer.onTheLoop());
            silent.setSoTimeout(1000);
            silent.receive(new DatagramPacket(new byte[512], 512)); // it was asked
        }
    }
}

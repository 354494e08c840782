package io.wildcloud.ws.push.callback;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Resolves callback host names on the node's event loops without blocking them: Netty's
 * {@link DnsNameResolver} (UDP, TCP when an answer is truncated), one per loop, with
 * {@code /etc/hosts} and {@code /etc/resolv.conf} (name servers, search domains, ndots) read as
 * the system's resolver reads them. The JDK's resolver blocks the calling thread for as long as
 * DNS takes, which is why name callbacks once started on a pool of their own.
 *
 * <p>Bounded: a resolution ends within its timeout whatever queries it takes (search domains,
 * CNAME chains), failing as an unknown host; answers are kept at most {@link #MAX_TTL_SECONDS}
 * whatever their TTL, failures not at all. What the answer holds is checked by the caller
 * ({@link CallbackAddresses#checkResolved}), every address of it.
 */
final class CallbackNames implements AutoCloseable {

    /** The longest an answer is reused: a callback host that moves is followed within a minute. */
    static final int MAX_TTL_SECONDS = 60;

    private final boolean epoll;
    private final long timeoutMillis;
    private final DnsServerAddressStreamProvider nameServers;
    private final Map<EventLoop, DnsNameResolver> resolvers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param loops the loops resolutions run on (their channel types follow the group's) */
    CallbackNames(EventLoopGroup loops, long timeoutMillis) {
        this(loops, timeoutMillis, DnsServerAddressStreamProviders.platformDefault());
    }

    /** With the name servers to ask ({@code /etc/resolv.conf}'s by default). */
    CallbackNames(EventLoopGroup loops, long timeoutMillis, DnsServerAddressStreamProvider nameServers) {
        this.epoll = loops instanceof EpollEventLoopGroup;
        this.timeoutMillis = timeoutMillis;
        this.nameServers = nameServers;
    }

    /**
     * Resolves {@code host} on {@code loop} and hands the addresses (at least one) or the failure
     * to {@code then}, on that loop, exactly once.
     */
    void resolve(EventLoop loop, String host, BiConsumer<List<InetAddress>, Throwable> then) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> resolve(loop, host, then));
            return;
        }
        if (closed) {
            then.accept(null, new UnknownHostException(host + ": the dispatcher closed"));
            return;
        }
        DnsNameResolver resolver = resolvers.computeIfAbsent(loop, this::newResolver);
        // Touched on the loop only: the deadline and the answer both run there.
        boolean[] settled = new boolean[1];
        var deadline = loop.schedule(() -> {
            if (!settled[0]) {
                settled[0] = true;
                then.accept(null, new UnknownHostException(host + ": no answer within " + timeoutMillis + " ms"));
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        resolver.resolveAll(host).addListener(answer -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            deadline.cancel(false);
            @SuppressWarnings("unchecked")
            List<InetAddress> addresses = answer.isSuccess() ? (List<InetAddress>) answer.getNow() : null;
            if (addresses != null && !addresses.isEmpty()) {
                then.accept(addresses, null);
            } else if (answer.isSuccess()) {
                then.accept(null, new UnknownHostException(host + ": no address in the answer"));
            } else {
                then.accept(null, answer.cause());
            }
        });
    }

    private DnsNameResolver newResolver(EventLoop loop) {
        return new DnsNameResolverBuilder(loop)
                .datagramChannelType(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .socketChannelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .nameServerProvider(nameServers)
                .queryTimeoutMillis(timeoutMillis)
                .ttl(0, MAX_TTL_SECONDS)
                .build();
    }

    @Override
    public void close() {
        closed = true;
        resolvers.values().forEach(DnsNameResolver::close);
        resolvers.clear();
    }
}

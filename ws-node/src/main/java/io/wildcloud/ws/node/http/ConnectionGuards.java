package io.wildcloud.ws.node.http;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.wildcloud.ws.node.config.ConnectionLimits;
import io.wildcloud.ws.common.net.Cidr;
import io.wildcloud.ws.sockjs.ClientAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link ConnectionLimits} of one port: admits or refuses each new connection (by count per
 * port and per client address), and makes each admitted connection's {@link RequestGuard}, which
 * bounds its time, body bytes and share of the port's {@link RequestMemory}.
 *
 * <p>What is counted where: a connection counts against {@code max-connections} and against
 * {@code max-connections-per-address} of its TCP peer. A peer in {@code trusted-proxies} (the
 * balancer) is exempt from the per-address count, since one proxy connection carries many
 * clients; its requests count instead, while in progress, against the same cap for the client
 * address its {@code X-Forwarded-For} names.
 */
public final class ConnectionGuards {

    private final String port;
    private final ConnectionLimits limits;
    private final int maxBodyBytes;
    private final RequestMemory memory;
    private final ClientErrorLog errors;
    private final Refusal.Counter refusals;
    private final AtomicInteger open = new AtomicInteger();
    private final AddressCounts connectionsPerAddress;
    private final AddressCounts requestsPerForwardedAddress;

    /**
     * @param port the port's name in log lines ({@code public}, {@code api})
     * @param maxBodyBytes the largest request body this port takes (413 beyond)
     * @param memoryBytes this port's share of {@code max-request-memory}
     * @param refusals counts each refusal of this port ({@code ws.http.refused})
     */
    public ConnectionGuards(String port, ConnectionLimits limits, int maxBodyBytes, long memoryBytes,
                            ClientErrorLog errors, Refusal.Counter refusals) {
        this(port, limits, maxBodyBytes, new RequestMemory(memoryBytes), errors, refusals);
    }

    ConnectionGuards(String port, ConnectionLimits limits, int maxBodyBytes, RequestMemory memory,
                     ClientErrorLog errors) {
        this(port, limits, maxBodyBytes, memory, errors, Refusal.Counter.NONE);
    }

    ConnectionGuards(String port, ConnectionLimits limits, int maxBodyBytes, RequestMemory memory,
                     ClientErrorLog errors, Refusal.Counter refusals) {
        this.port = port;
        this.refusals = refusals;
        this.limits = limits;
        this.maxBodyBytes = maxBodyBytes;
        this.memory = memory;
        this.errors = errors;
        this.connectionsPerAddress = new AddressCounts(limits.maxConnectionsPerAddress());
        this.requestsPerForwardedAddress = new AddressCounts(limits.maxConnectionsPerAddress());
    }

    /**
     * Counts a new connection, or refuses it (returns {@code false}; the caller closes it without a
     * word: answering would cost what the cap is there to save). Counts are given back when it closes.
     */
    public boolean admit(SocketChannel channel) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            refusals.count(Refusal.MAX_CONNECTIONS);
            errors.log(channel, port + " port holds max-connections=" + limits.maxConnections() + ", refused");
            return false;
        }
        InetAddress peer = peer(channel);
        boolean countPeer = peer != null && !isTrustedProxy(peer);
        if (countPeer && !connectionsPerAddress.tryAcquire(peer)) {
            open.decrementAndGet();
            refusals.count(Refusal.MAX_CONNECTIONS_PER_ADDRESS);
            errors.log(channel, "address holds max-connections-per-address=" + limits.maxConnectionsPerAddress()
                    + " on the " + port + " port, refused");
            return false;
        }
        channel.closeFuture().addListener(f -> {
            open.decrementAndGet();
            if (countPeer) {
                connectionsPerAddress.release(peer);
            }
        });
        return true;
    }

    /** Adds the connection's guard: its byte watcher before the codec, the guard right after it. */
    public void addGuard(ChannelPipeline pipeline, String codecName, String watcherName, String guardName) {
        RequestGuard guard = new RequestGuard(this);
        pipeline.addBefore(codecName, watcherName, guard.byteWatcher());
        pipeline.addAfter(codecName, guardName, guard);
    }

    /**
     * Adds, after {@code afterName}, the handler that serves the connection's requests one at a
     * time, in order ({@link PipelinedRequests}); its refusals go through the connection's guard.
     */
    public void addInOrderServing(ChannelPipeline pipeline, String guardName, String afterName, String name) {
        pipeline.addAfter(afterName, name, ((RequestGuard) pipeline.get(guardName)).pipelinedRequests());
    }

    ConnectionLimits limits() {
        return limits;
    }

    int maxBodyBytes() {
        return maxBodyBytes;
    }

    RequestMemory memory() {
        return memory;
    }

    ClientErrorLog errors() {
        return errors;
    }

    Refusal.Counter refusals() {
        return refusals;
    }

    AddressCounts requestsPerForwardedAddress() {
        return requestsPerForwardedAddress;
    }

    /**
     * The client a request comes from, as the per-address counts above tell it: the peer, or for a
     * trusted proxy the client its {@code X-Forwarded-For} names (the proxy itself when it names none).
     */
    public ClientAddresses clientAddresses() {
        return (channel, request) -> {
            InetAddress peer = peer(channel);
            if (peer == null || !isTrustedProxy(peer)) {
                return peer;
            }
            InetAddress client = ForwardedClient.of(request.headers().get("X-Forwarded-For"), this::isTrustedProxy);
            return client != null ? client : peer;
        };
    }

    /** Open connections of this port now. */
    public int openConnections() {
        return open.get();
    }

    boolean isTrustedProxy(InetAddress address) {
        for (Cidr block : limits.trustedProxies()) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    static InetAddress peer(io.netty.channel.Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;
    }
}

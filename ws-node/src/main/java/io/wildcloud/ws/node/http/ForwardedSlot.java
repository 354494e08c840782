package io.wildcloud.ws.node.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;

/**
 * The forwarded client a connection from a trusted proxy holds a count for, for its
 * {@link RequestGuard}: from the head of a request that names it in {@code X-Forwarded-For} to the
 * end of the response (or of the connection), it counts against {@code max-connections-per-address}
 * of that client. Counts are taken in the order the port's event loops read the heads, which is not
 * the order clients sent them: of two requests at the cap, the one read second is refused.
 */
final class ForwardedSlot {

    private final ConnectionGuards port;
    private InetAddress held;

    ForwardedSlot(ConnectionGuards port) {
        this.port = port;
    }

    /** Counts the client {@code request} is forwarded for, if any; the refusal when it holds its cap already. */
    GuardRefusal acquire(Channel channel, HttpRequest request) {
        InetAddress peer = ConnectionGuards.peer(channel);
        if (held != null || peer == null || !port.isTrustedProxy(peer)) {
            return null;
        }
        InetAddress client = ForwardedClient.of(request.headers().get("X-Forwarded-For"), port::isTrustedProxy);
        if (client == null) {
            return null;
        }
        if (!port.requestsPerForwardedAddress().tryAcquire(client)) {
            return GuardRefusal.forwardedClientOverCap(client);
        }
        held = client;
        return null;
    }

    /** Hands the count, if any, to the connection: given back when it closes (a websocket's). */
    void releaseWhenClosed(Channel channel) {
        InetAddress client = held;
        if (client != null) {
            held = null;
            channel.closeFuture().addListener(closed -> port.requestsPerForwardedAddress().release(client));
        }
    }

    /** Gives the count back: the response ended, or the connection did. */
    void release() {
        if (held != null) {
            port.requestsPerForwardedAddress().release(held);
            held = null;
        }
    }
}

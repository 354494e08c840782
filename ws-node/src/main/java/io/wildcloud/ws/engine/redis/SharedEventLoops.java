package io.wildcloud.ws.engine.redis;

import io.netty.channel.EventLoopGroup;
import java.util.Objects;

/**
 * The node's own event loops, lent to the Redis client for its connections. A Redis answer or
 * wake-up then arrives on a thread that also serves HTTP and websocket connections, often the very
 * one that waits for it, instead of on a separate pool that must hand it over (a thread switch and
 * a wake-up system call each way). The node keeps ownership: it shuts the group down after the
 * engine closed.
 *
 * @param group the event loops, which must not block: nothing on them waits for Redis
 * @param nativeEpoll whether {@code group} runs Netty's epoll transport (else NIO), so the client
 *     opens channels of the matching kind
 */
public record SharedEventLoops(EventLoopGroup group, boolean nativeEpoll) {

    public SharedEventLoops {
        Objects.requireNonNull(group, "group");
    }
}

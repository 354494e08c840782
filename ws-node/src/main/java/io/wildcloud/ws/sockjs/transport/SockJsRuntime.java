package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** What every transport of one node shares: the session store and the node's receiver names. */
public final class SockJsRuntime {

    private final SessionStore store;
    private final String nodeId;
    private final AtomicLong connectionIds = new AtomicLong();

    public SockJsRuntime(SessionStore store, String nodeId) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    public SessionStore store() {
        return store;
    }

    public String nodeId() {
        return nodeId;
    }

    /** A receiver name no other connection of this node has had. */
    public ReceiverId nextReceiverId() {
        return new ReceiverId(nodeId, connectionIds.incrementAndGet());
    }

    public SockJsSession session(SockJsEndpoint endpoint, SessionKey key) {
        return new StoreBackedSession(key, store, endpoint.service());
    }

    /** Runs {@code task} on the channel's event loop: at once if already there, else queued. */
    public static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }
}

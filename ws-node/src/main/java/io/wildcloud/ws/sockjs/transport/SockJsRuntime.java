package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.PeerPolicy;
import io.wildcloud.ws.sockjs.UnknownEndpointLimit;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.Objects;

/** What every transport of one node shares: the session store and the node's receiver names. */
public final class SockJsRuntime {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SockJsRuntime.class);

    private final SessionStore store;
    private final String nodeId;
    private final LiveConnections live = new LiveConnections();
    private final PendingSends pendingSends = new PendingSends();
    private final SendBuckets sendBuckets = new SendBuckets();
    private final SockJsMetrics metrics;
    private final PeerPolicy policy;
    private final UnknownEndpointLimit unknownEndpoints;

    public SockJsRuntime(SessionStore store, String nodeId) {
        this(store, nodeId, SockJsMetrics.NONE);
    }

    public SockJsRuntime(SessionStore store, String nodeId, SockJsMetrics metrics) {
        this(store, nodeId, metrics, PeerPolicy.defaults());
    }

    public SockJsRuntime(SessionStore store, String nodeId, SockJsMetrics metrics, PeerPolicy policy) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.unknownEndpoints = new UnknownEndpointLimit(policy.maxUnknownPerSecond(), policy.unknownBurst());
    }

    /** Each client address's budget of requests for endpoints that do not exist. */
    public UnknownEndpointLimit unknownEndpoints() {
        return unknownEndpoints;
    }

    /** What peers may do: origins, control-frame rates. */
    public PeerPolicy policy() {
        return policy;
    }

    public SockJsMetrics metrics() {
        return metrics;
    }

    public SessionStore store() {
        return store;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The sends of each session this node holds unanswered. */
    PendingSends pendingSends() {
        return pendingSends;
    }

    /** The client message buckets of the sessions whose sends reach this node. */
    SendBuckets sendBuckets() {
        return sendBuckets;
    }

    /** This node's held requests and websockets, for the drain. */
    public LiveConnections live() {
        return live;
    }

    /** A receiver name no other connection of this node has had. */
    public ReceiverId nextReceiverId() {
        return new ReceiverId(nodeId, ReceiverId.nextNumber());
    }

    public StoreBackedSession session(SockJsEndpoint endpoint, SessionKey key) {
        return new StoreBackedSession(key, store, endpoint.service(), metrics);
    }

    /**
     * Runs {@code task} on the channel's event loop: at once if already there, else queued. A
     * failure closes the connection: most callers run inside a store or resolver stage's callback,
     * which would swallow the exception and leave the client waiting forever.
     */
    public static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            guarded(ctx, task).run();
        } else {
            ctx.executor().execute(guarded(ctx, task));
        }
    }

    /** Queues {@code task} on the channel's event loop, even when already there (no re-entry). */
    public static void later(ChannelHandlerContext ctx, Runnable task) {
        ctx.executor().execute(guarded(ctx, task));
    }

    private static Runnable guarded(ChannelHandlerContext ctx, Runnable task) {
        return () -> runGuarded(ctx, task);
    }

    /** Runs {@code task} now (on the channel's loop), closing the connection if it fails (see {@link #onLoop}). */
    static void runGuarded(ChannelHandlerContext ctx, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("{} unexpected failure, closing the connection", ctx.channel(), e);
            ctx.close();
        }
    }
}

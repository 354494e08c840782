package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.ReceiverId;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.redisson.api.RBucketAsync;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RTopic;
import org.redisson.api.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells live nodes from dead ones through Redis itself: every node stays subscribed to its own
 * channel {@code <prefix>node:{<nodeId>}}; a node whose channel has no subscriber has died or lost
 * Redis, and its receivers' slots may be taken over. The check publishes a ping and reads how many
 * subscribers got it (PUBLISH's answer; SPUBLISH's on a cluster, where it is exact for the shard
 * that owns the channel, unlike PUBSUB NUMSUB).
 *
 * <p>A node restarted under the same id (fixed ids in docker-compose and Kubernetes) is subscribed
 * again within seconds, while its dead predecessor's receivers still hold slots: before it
 * subscribes, each process writes the number its receivers are numbered above
 * ({@code <prefix>process:{<nodeId>}}, {@link RedisEngine#firstReceiver}), and a receiver of that
 * node id numbered at or below it is of a process that is gone.
 */
final class NodePresence {

    private static final Logger LOG = LoggerFactory.getLogger(NodePresence.class);
    private static final String PING = "ping";
    /** As the roster's: longer than any node lives without a heartbeat, which writes it again. */
    private static final Duration PROCESS_TTL = Duration.ofHours(1);

    private final Function<String, RTopic> topics;
    private final Function<String, RBucketAsync<String>> buckets;
    private final RScriptAsync script;
    private final LuaScripts scripts;
    /** Tells this process from a twin started in the same millisecond (the same first receiver number). */
    private final String token = String.format("%016x", new SecureRandom().nextLong());
    private final CompletableFuture<String> superseded = new CompletableFuture<>();
    /** This process's receivers are numbered above it; set at {@link #start}. */
    private volatile long firstReceiver;
    private final PlainCommands commands;
    private final RedisKeys keys;
    private final String nodeId;
    private final Runnable onResubscribed;
    private final AtomicInteger subscriptions = new AtomicInteger();
    private RTopic own;
    /** When this node's subscription was last made again (System.nanoTime()); 0 if never. */
    private volatile long resubscribedAt;
    /** What the last check of this node's own subscription found; true once subscribed at start. */
    private volatile boolean up;

    /**
     * @param topics makes the topic (sharded or not, string codec) of a channel name
     * @param buckets the string key of a key name (the process's first receiver number)
     * @param script runs process_announce.lua
     * @param onResubscribed run when the node's subscription came back after a lost connection
     */
    NodePresence(Function<String, RTopic> topics, Function<String, RBucketAsync<String>> buckets,
            RScriptAsync script, LuaScripts scripts, PlainCommands commands, RedisKeys keys, String nodeId,
            Runnable onResubscribed) {
        this.topics = topics;
        this.buckets = buckets;
        this.script = script;
        this.scripts = scripts;
        this.commands = commands;
        this.keys = keys;
        this.nodeId = nodeId;
        this.onResubscribed = onResubscribed;
    }

    /**
     * Tells which receivers are this process's (those numbered above {@code firstReceiver}), then
     * subscribes to this node's own channel; completes once Redis confirmed it. In that order: once
     * subscribed, the node id is alive.
     */
    CompletionStage<Void> start(long firstReceiver) {
        this.firstReceiver = firstReceiver;
        return announce().thenCompose(announced -> superseded.isDone()
                ? CompletableFuture.failedFuture(new NodeIdInUseException(superseded.join()))
                : subscribe());
    }

    /**
     * Writes (again) the number this process's receivers are numbered above, unless a newer
     * process under this node id wrote its own (process_announce.lua): then completes
     * {@link #superseded()} and writes nothing.
     */
    CompletionStage<Void> announce() {
        return scripts.processAnnounce.<String>eval(script, RScript.ReturnType.VALUE, List.of(keys.process(nodeId)),
                Long.toString(firstReceiver), token, PROCESS_TTL.toMillis()).thenAccept(newer -> {
                    if (newer != null && superseded.complete("node id " + nodeId + " is in use by a newer process"
                            + " (its receivers numbered above " + newer.split(" ")[0] + ", this one's above "
                            + firstReceiver + "): two processes were given one node id; this one gives way."
                            + " Give each process its own node-id (WS_NODE_ID)")) {
                        LOG.error("{}", superseded.join());
                    }
                });
    }

    /**
     * Completes, with why, once a newer process under this node id was found: this process must
     * stop writing as that node (heartbeats, held list) and go.
     */
    CompletionStage<String> superseded() {
        return superseded;
    }

    private CompletionStage<Void> subscribe() {
        own = topics.apply(keys.nodeChannel(nodeId));
        own.addListenerAsync(new StatusListener() {
            @Override
            public void onSubscribe(String channel) {
                if (subscriptions.incrementAndGet() > 1) {
                    resubscribedAt = System.nanoTime();
                    LOG.info("node {} resubscribed to its presence channel: checking the slots it holds", nodeId);
                    onResubscribed.run();
                }
            }

            @Override
            public void onUnsubscribe(String channel) {
            }
        });
        return commands.<Integer>subscription("subscribe", () -> own.addListenerAsync(String.class, (channel, message) -> { }))
                .thenApply(id -> {
                    up = true;
                    return null;
                });
    }

    /**
     * Checks that this node's own subscription is in place, as other nodes would see it: a node
     * whose subscription is lost would be taken for dead and its sessions taken over.
     */
    CompletionStage<Boolean> checkOwn() {
        return isAlive(nodeId).thenApply(alive -> {
            if (alive != up) {
                if (alive) {
                    LOG.info("node {} presence subscription is back", nodeId);
                } else {
                    LOG.warn("node {} presence subscription is lost: other nodes take this node for dead", nodeId);
                }
            }
            up = alive;
            return alive;
        });
    }

    /** Whether the last check found this node's presence subscription in place. */
    boolean isUp() {
        return up;
    }

    /**
     * Whether this node's presence subscription was made again (Redis came back) less than
     * {@code grace} ago: the other nodes may not have subscribed again yet, and are not dead.
     */
    boolean resubscribedWithin(java.time.Duration grace) {
        long at = resubscribedAt;
        return at != 0 && System.nanoTime() - at < grace.toNanos();
    }

    /** Whether node {@code otherNodeId} is subscribed to its channel, as a live node is. */
    CompletionStage<Boolean> isAlive(String otherNodeId) {
        return commands.<Long>timed("publish", () -> topics.apply(keys.nodeChannel(otherNodeId)).publishAsync(PING))
                .thenApply(receivers -> receivers > 0);
    }

    /**
     * Whether receiver {@code holder} (of another node) may live: its node is subscribed, and it is
     * not numbered at or below the first of the process running under its node id now (one that
     * died and was restarted under the same id). A node that wrote no number (an older build, or
     * Redis lost it), and a receiver not numbered from its process's start, are taken at their
     * node's presence alone.
     */
    CompletionStage<Boolean> isAlive(ReceiverId holder) {
        // As mayHold judges such a receiver, without the GET of a number it would not look at.
        if (!ReceiverId.numberedFromStart(holder.connectionId())) {
            return isAlive(holder.nodeId());
        }
        return process(holder.nodeId()).thenApply(process -> process.mayHold(holder));
    }

    /**
     * The process running under node id {@code otherNodeId}, if any: for a caller that judges many
     * receivers of one node (the sweeper), one lookup instead of one per receiver.
     */
    CompletionStage<NodeProcess> process(String otherNodeId) {
        return isAlive(otherNodeId).thenCompose(alive -> !alive ? CompletableFuture.completedFuture(NodeProcess.GONE)
                : commands.<String>timed("get", () -> buckets.apply(keys.process(otherNodeId)).getAsync())
                        .thenApply(first -> new NodeProcess(true, processFirst(first))));
    }

    /**
     * Whether a process runs under a node id and, if so, the number its receivers are numbered
     * above ({@link Long#MIN_VALUE} when it wrote none).
     */
    record NodeProcess(boolean alive, long first) {

        static final NodeProcess GONE = new NodeProcess(false, Long.MIN_VALUE);

        /** Whether {@code holder}, a receiver of this node id, may be this process's. */
        boolean mayHold(ReceiverId holder) {
            return alive && (!ReceiverId.numberedFromStart(holder.connectionId()) || holder.connectionId() > first);
        }
    }

    /**
     * The number a process key holds (before its token); a missing or unreadable one judges by
     * presence alone.
     */
    private static long processFirst(String value) {
        try {
            if (value == null) {
                return Long.MIN_VALUE;
            }
            int space = value.indexOf(' ');
            return Long.parseLong(space < 0 ? value : value.substring(0, space));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    void stop() {
        if (own != null) {
            own.removeAllListenersAsync();
        }
    }
}

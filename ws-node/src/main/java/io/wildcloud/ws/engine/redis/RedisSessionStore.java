package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.Codec;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionStore} on Redis, for nodes that share sessions behind a balancer without sticky
 * sessions. Every multi-step change is one Lua script (src/main/resources/redis); keys and
 * channels are named in {@link RedisKeys}. Receivers on this node are woken by the scope
 * channel's pub/sub (messages inline, see {@link Wakeup}), tracked by seq in {@link HeldReceiver}.
 *
 * <p>Round trips: enqueue is one EVALSHA (it also publishes); delivery needs none more unless a
 * wake-up was missed (one fetch); acknowledgements of all receivers of the node are gathered for
 * {@link #ACKNOWLEDGEMENT_WINDOW} and sent as one EVALSHA (per scope on a Cluster); claim one
 * EVALSHA (a stream claim adds a ZADD), release one EVALSHA and one ZADD, sent together.
 * See the package documentation for the whole design.
 */
public final class RedisSessionStore implements SessionStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final long QUEUED = 0;
    private static final long NO_SESSION = 1;
    private static final long CLOSED = 2;
    /**
     * How long acknowledgements wait to travel together: long enough that a busy node sends one
     * script call for many sessions, short enough that queues are trimmed well within a second.
     */
    static final Duration ACKNOWLEDGEMENT_WINDOW = Duration.ofMillis(10);
    static final Duration FULL_PROBE_INTERVAL = Duration.ofMillis(500);

    private final RedissonClient redisson;
    private final boolean ownsClient;
    private final RedisEngineConfig config;
    private final String nodeId;
    private final RedisKeys keys;
    private final LuaScripts scripts = new LuaScripts();
    /** Every command to Redisson passes here, so that close can stop them before Redisson shuts down. */
    private final CommandGate gate;
    /** Whether Redis answers the commands passing the gate, and takes writes: the health check. */
    private final StoreWatch watch = new StoreWatch();
    private final RScriptAsync script;
    private final ScheduledExecutorService timer;
    private final ScopeChannels channels;
    private final NodePresence presence;
    private final ExpirySweeper sweeper;
    private final PlainCommands commands;
    private final HoldKeeper keeper;
    private final StoreEpoch epoch;
    private final NodeRoster roster;
    private final ClusterWatch clusterWatch;
    private final SlotClaims claims;
    private final ScriptPipeline pipeline;
    private final ReplyKeys replies;
    private final AcknowledgementBatcher acknowledgements;
    private final HeldReceiver.Owner owner = new HeldOwner();
    private final String publishCommand;
    private final boolean cluster;
    private final RedisMetrics metrics;
    private volatile SessionExpiryListener expiryListener;

    private RedisSessionStore(RedissonClient redisson, boolean ownsClient, RedisEngineConfig config, String nodeId,
            RedisMetrics metrics) {
        this.redisson = redisson;
        this.ownsClient = ownsClient;
        this.config = config;
        this.nodeId = nodeId;
        this.keys = new RedisKeys(config.keyPrefix());
        this.script = redisson.getScript(StringCodec.INSTANCE);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "ws-redis-store-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
        // On close, waiting sweeps and retries are dropped; the one running may finish (see close).
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = timer;
        this.metrics = metrics;
        this.publishCommand = config.shardedPubSub() ? "SPUBLISH" : "PUBLISH";
        this.gate = new CommandGate(() -> !redisson.isShuttingDown() && !redisson.isShutdown(), watch);
        this.commands = new PlainCommands(metrics, gate);
        scripts.guard(gate);
        scripts.meter(metrics);
        this.channels = new ScopeChannels(scope -> topic(keys.channel(scope), ByteArrayCodec.INSTANCE), commands, timer,
                config.subscriptionLinger());
        // The presence channel's re-subscription triggers the keeper, made after it.
        this.presence = new NodePresence(name -> topic(name, StringCodec.INSTANCE), commands, keys, nodeId,
                this::renewHeld);
        ExpiryIndex expiryIndex = new ExpiryIndex(script, scripts, commands, keys,
                name -> redisson.getScoredSortedSet(name, StringCodec.INSTANCE));
        Duration renewal = config.holdTtl().dividedBy(3);
        // A due session's keys outlive its index entry by the expiry margin (released) or by a
        // renewal period (held, see ExpirySweeper.heldDeadline): a lease of half the shorter
        // leaves another node time to end it should the sweeping node die mid-check.
        Duration lease = (config.expiryMargin().compareTo(renewal) < 0 ? config.expiryMargin() : renewal).dividedBy(2);
        this.sweeper = new ExpirySweeper(script, scripts, keys, expiryIndex, timer, config.sweepInterval(), lease,
                () -> expiryListener, presence, renewal);
        // On a Cluster a script's keys must share a slot: batch per scope there, per node elsewhere.
        this.cluster = config.endpoint().mode() == RedisEndpoint.Mode.CLUSTER;
        Function<SessionKey, String> scriptGroup = key -> cluster ? key.scope() : "";
        this.epoch = new StoreEpoch(redisson.getBucket(keys.epoch(), StringCodec.INSTANCE), commands, this::storeLost);
        this.roster = new NodeRoster(nodeId, keys, commands, presence, sweeper,
                name -> redisson.getScoredSortedSet(name, StringCodec.INSTANCE), config.holdTtl().multipliedBy(2));
        this.clusterWatch = new ClusterWatch(epoch, roster, timer);
        this.keeper = new HoldKeeper(script, scripts, keys, scriptGroup, channels::allHeld, sweeper, roster,
                timer, config.holdTtl(), commands::clientUsable);
        this.replies = new ReplyKeys(keys, config);
        this.pipeline = new ScriptPipeline(redisson, script, scripts, gate, replies);
        this.acknowledgements = new AcknowledgementBatcher(keys, scriptGroup,
                (ackKeys, args) -> pipeline.submit(scripts.acknowledge, RScript.ReturnType.LIST, ackKeys, args),
                channels::evict, timer, ACKNOWLEDGEMENT_WINDOW);
        this.claims = new SlotClaims(nodeId, config, keys, replies, scripts, script, channels, presence, sweeper,
                roster, owner);
        metrics.subscriptions(channels::subscribedCount, presence::isUp);
        metrics.storeHealth(watch::answering, watch::full, watch::unansweredMillis);
    }

    /**
     * Starts a store on {@code redisson} (which the caller keeps and shuts down): loads the scripts,
     * subscribes the node's presence channel, starts the sweeper and the TTL renewal.
     *
     * @param nodeId this node's id, unique in the cluster; receivers' ids carry it
     */
    public static CompletionStage<RedisSessionStore> start(RedissonClient redisson, RedisEngineConfig config,
            String nodeId) {
        return start(redisson, false, config, nodeId, RedisMetrics.NONE);
    }

    /** Connects its own Redisson client (blocking: call at start-up) and starts a store on it. */
    public static CompletionStage<RedisSessionStore> connect(RedisEngineConfig config, String nodeId) {
        return connect(config, nodeId, RedisMetrics.NONE);
    }

    /** As {@link #connect(RedisEngineConfig, String)}, telling {@code metrics} of script calls and subscriptions. */
    public static CompletionStage<RedisSessionStore> connect(RedisEngineConfig config, String nodeId,
            RedisMetrics metrics) {
        return connect(config, nodeId, metrics, null);
    }

    /**
     * As {@link #connect(RedisEngineConfig, String, RedisMetrics)}, with the client's connections on
     * {@code eventLoops} (its own threads if null).
     */
    public static CompletionStage<RedisSessionStore> connect(RedisEngineConfig config, String nodeId,
            RedisMetrics metrics, SharedEventLoops eventLoops) {
        ReconnectRelay relay = new ReconnectRelay();
        RedissonClient redisson;
        try {
            redisson = RedissonClients.create(config, "ws-node-" + nodeId, relay, eventLoops);
        } catch (RuntimeException e) {
            return StoreErrors.failed("connecting to Redis at " + config.endpoint(), e);
        }
        return start(redisson, true, config, nodeId, metrics).thenApply(store -> {
            relay.target(store::renewHeld);
            return store;
        });
    }

    private static CompletionStage<RedisSessionStore> start(RedissonClient redisson, boolean ownsClient,
            RedisEngineConfig config, String nodeId, RedisMetrics metrics) {
        Objects.requireNonNull(nodeId, "nodeId");
        RedisSessionStore store = new RedisSessionStore(redisson, ownsClient, config, nodeId, metrics);
        return store.scripts.loadAll(store.script, store.gate)
                .thenCompose(loaded -> store.presence.start())
                .thenCompose(subscribed -> store.epoch.establish())
                .thenCompose(established -> store.roster.heartbeat())
                .thenApply(listed -> {
                    store.timer.scheduleWithFixedDelay(store::probeWhileFull, FULL_PROBE_INTERVAL.toMillis(),
                            FULL_PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                    store.sweeper.start();
                    store.keeper.start();
                    store.clusterWatch.start();
                    LOG.info("node {} Redis session store on {} with prefix {}", nodeId, config.endpoint(),
                            config.keyPrefix());
                    return store;
                })
                .exceptionallyCompose(error -> {
                    store.close();
                    return StoreErrors.failed("starting the Redis session store", error);
                });
    }

    @Override
    public CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver) {
        return claims.claim(key, mode, creation, receiver)
                .exceptionallyCompose(error -> StoreErrors.failed("claim " + key, error));
    }

    @Override
    public CompletionStage<Void> acknowledge(SessionKey key, ReceiverId receiver, long deliveredSeq) {
        return acknowledgements.acknowledge(key, receiver.encode(), deliveredSeq)
                .exceptionallyCompose(error -> StoreErrors.failed("acknowledge " + key, error));
    }

    @Override
    public CompletionStage<Void> release(SessionKey key, ReceiverId receiver, long deliveredSeq,
            Duration disconnectDelay) {
        channels.forget(key, receiver.encode());
        // The release acknowledges in its own script: what was still waiting to be sent goes with it.
        AcknowledgementBatcher.PendingAcknowledgement pending = acknowledgements.takePending(key, receiver.encode());
        long delay = Math.max(1, disconnectDelay.toMillis());
        CompletableFuture<Long> released = scripts.release.<Long>eval(script, RScript.ReturnType.LONG,
                keys.sessionKeys(key), receiver.encode(), Math.max(deliveredSeq, pending.seq()), delay,
                config.expiryMargin().toMillis())
                .toCompletableFuture();
        released.whenComplete((answer, error) -> pending.settle(error));
        CompletableFuture<Boolean> tracked = sweeper.track(key, System.currentTimeMillis() + delay);
        return released.thenCombine(tracked, (answer, added) -> (Void) null)
                .exceptionallyCompose(error -> StoreErrors.failed("release " + key, error));
    }

    @Override
    public CompletionStage<EnqueueResult> enqueue(SessionKey key, List<String> messages) {
        if (messages.isEmpty()) {
            return status(key).thenApply(status -> switch (status) {
                case OPEN -> EnqueueResult.QUEUED;
                case CLOSED -> EnqueueResult.CLOSED;
                case NOT_FOUND -> EnqueueResult.NOT_FOUND;
            });
        }
        Object[] args = new Object[4 + messages.size()];
        args[0] = config.maxQueueLength();
        args[1] = publishCommand;
        args[2] = key.sessionId();
        args[3] = replies.ttlMillis();
        for (int i = 0; i < messages.size(); i++) {
            args[4 + i] = messages.get(i);
        }
        return pipeline.<Long>submit(scripts.enqueue, RScript.ReturnType.LONG, withReplyKey(key), args)
                .thenApply(answer -> answer == QUEUED ? EnqueueResult.QUEUED
                        : answer == NO_SESSION ? EnqueueResult.NOT_FOUND
                        : answer == CLOSED ? EnqueueResult.CLOSED
                        : EnqueueResult.QUEUE_FULL)
                .exceptionallyCompose(error -> StoreErrors.failedWrite("enqueue " + key, error));
    }

    @Override
    public CompletionStage<Boolean> close(SessionKey key, SockJsFrame closeFrame) {
        return scripts.close.<Long>eval(script, RScript.ReturnType.LONG, withReplyKey(key),
                closeFrame.text(), publishCommand, key.sessionId(), replies.ttlMillis())
                .thenApply(answer -> answer == 1L)
                .exceptionallyCompose(error -> StoreErrors.failed("close " + key, error));
    }

    /** The session's hash, queue and scope channel, then a fresh reply key (see {@link ReplyKeys}). */
    private List<Object> withReplyKey(SessionKey key) {
        return List.of(keys.session(key), keys.queue(key), keys.channel(key.scope()), replies.next(key.scope()));
    }

    @Override
    public CompletionStage<Void> delete(SessionKey key) {
        channels.forgetAny(key);
        return commands.timed("del", () -> redisson.getKeys().deleteAsync(keys.session(key), keys.queue(key)))
                .thenApply(count -> (Void) null)
                .exceptionallyCompose(error -> StoreErrors.failed("delete " + key, error));
    }

    @Override
    public CompletionStage<SessionStatus> status(SessionKey key) {
        return commands.<String>timed("hget",
                        () -> redisson.<String, String>getMap(keys.session(key), StringCodec.INSTANCE).getAsync("st"))
                .thenApply(state -> state == null ? SessionStatus.NOT_FOUND
                        : state.equals("o") ? SessionStatus.OPEN : SessionStatus.CLOSED)
                .exceptionallyCompose(error -> StoreErrors.failed("status " + key, error));
    }

    @Override
    public int maxQueueLength() {
        return config.maxQueueLength();
    }

    @Override
    public void setExpiryListener(SessionExpiryListener listener) {
        this.expiryListener = listener;
    }

    /** This node's id, as its receivers' ids carry it. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * {@code null} while Redis answers and takes writes, otherwise what is wrong; for the node's
     * health check. A command waiting {@link StoreWatch#STALL_THRESHOLD} unanswered is reported at
     * once (see {@link StoreWatch}: within 2 s of a stall by default), a refused write (Redis full)
     * until a write succeeds again, and the expiry sweep's failure or this node's lost presence
     * subscription as the sweeper finds them.
     */
    public String problem() {
        String store = watch.problem();
        return store != null ? store : sweeper.problem();
    }

    /** While Redis refuses writes, a small write every {@link #FULL_PROBE_INTERVAL} tells when it takes them again. */
    private void probeWhileFull() {
        if (!watch.full()) {
            return;
        }
        commands.timed("set", () -> redisson.getBucket(keys.probe(nodeId), StringCodec.INSTANCE)
                        .setAsync("1", Duration.ofSeconds(2)))
                .thenRun(watch::wrote);
    }

    /**
     * Runs publish.lua for the socket store: the socket ({@code socketKeys}: hash, session set)
     * and the queues of its sessions, whose scope is the socket id, in one pipelined call.
     *
     * @param sessionId the one session to publish to, or {@code null} for the socket's index
     * @param checkTtl whether to check (and renew) the socket's TTL; see {@link RenewalChecks}
     * @param requestKey the name (within the socket's keys) under which the publish records its
     *     answer for the application's retries, or {@code ""}
     */
    CompletionStage<List<Object>> publish(String socketId, List<Object> socketKeys, long idleMillis,
            long renewalSlackMillis, String message, String sessionId, boolean checkTtl, String requestKey) {
        List<Object> scriptKeys = List.of(socketKeys.get(0), socketKeys.get(1), keys.channel(socketId));
        Object[] shared = {replies.ttlMillis(), SocketStore.REQUEST_ID_WINDOW.toMillis(), idleMillis, renewalSlackMillis,
                config.maxQueueLength(), publishCommand};
        // On a Cluster only publishes to one socket share a run (its keys' slot); elsewhere any do.
        return pipeline.submitMerging(scripts.publish, cluster ? socketId : "", socketId, scriptKeys, shared,
                keys.scopePrefix(socketId), message, sessionId == null ? "" : sessionId, checkTtl ? "1" : "0",
                requestKey);
    }

    /** Where the socket store times its plain commands. */
    PlainCommands commands() {
        return commands;
    }

    /** Where the socket store's scripts are timed. */
    RedisMetrics metrics() {
        return metrics;
    }

    /** The prefix of every key and channel of this store. */
    String keyPrefix() {
        return config.keyPrefix();
    }

    /** The Redis client (tests kill a node by shutting it down without closing the store). */
    RedissonClient redisson() {
        return redisson;
    }

    /** Renews and checks every slot this node holds now (normally every third of the hold TTL). */
    public CompletionStage<Void> renewHeld() {
        return keeper.renew();
    }

    /** Stops timers and subscriptions; shuts the Redisson client down if the store made it. */
    @Override
    public void close() {
        acknowledgements.flush();
        sweeper.stop();
        keeper.stop();
        clusterWatch.stop();
        presence.stop();
        channels.closeAll();
        timer.shutdown();
        // A timer task or a Redis answer may be handing a command to Redisson right now: shut down
        // under it, Redisson would drop the command without releasing its encoded arguments.
        gate.close(Duration.ofSeconds(2));
        if (ownsClient && !redisson.isShuttingDown() && !redisson.isShutdown()) {
            redisson.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * Redis lost its data (restarted without persistence, or flushed): every session this node
     * holds is gone from it. Closes them all with {@link CloseCodes#SESSION_STATE_LOST}, in one
     * go and with one log line, instead of evicting them one by one as each is found missing.
     */
    private void storeLost(String knownEpoch, String foundEpoch) {
        SockJsFrame closeFrame = SockJsFrame.close(CloseCodes.SESSION_STATE_LOST, CloseCodes.SESSION_STATE_LOST_REASON);
        int closed = 0;
        for (HeldReceiver held : channels.allHeld()) {
            if (held.lose(closeFrame)) {
                closed++;
            }
        }
        LOG.error("node {}: Redis lost its data (cluster epoch {} is {}: it restarted without persistence, or was"
                        + " flushed); every session and socket is gone: closed this node's {} open session(s) with {}",
                nodeId, knownEpoch, foundEpoch == null ? "missing" : "now " + foundEpoch, closed, closeFrame.text());
    }

    private RTopic topic(String name, Codec codec) {
        return config.shardedPubSub() ? redisson.getShardedTopic(name, codec) : redisson.getTopic(name, codec);
    }

    /** What held receivers ask of the store. */
    private final class HeldOwner implements HeldReceiver.Owner {
        @Override
        public CompletionStage<List<Object>> fetch(SessionKey key, String receiverId, long afterSeq) {
            return scripts.fetch.eval(script, RScript.ReturnType.LIST, keys.sessionKeys(key), receiverId, afterSeq);
        }

        @Override
        public void evicted(HeldReceiver held) {
            channels.forget(held.key(), held.receiverId());
        }

        @Override
        public CompletionStage<Void> beforeEviction() {
            return epoch.verify();
        }

        @Override
        public void retryLater(Runnable task) {
            if (!timer.isShutdown()) {
                timer.schedule(task, 500, TimeUnit.MILLISECONDS);
            }
        }
    }
}

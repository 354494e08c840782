package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.engine.AbstractEngine;
import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of a cluster: SockJS sessions and push sockets in Redis, on one Redisson client,
 * under one key prefix, so that any node can serve any request.
 *
 * <p>This class is the wiring: it builds what the parts share once ({@link RedisRuntime}: client,
 * timer, gate, scripts, pipeline), the machinery of held sessions (the node's wake-up channel, its
 * presence, the expiry sweeper, TTL renewal, the store's epoch and node roster), and hands each
 * part what it needs: {@link RedisSessionStore} the session operations, {@link RedisSocketStore}
 * the socket operations and {@link RedisPublisher} the publish. It starts and stops them in order.
 */
public final class RedisEngine extends AbstractEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEngine.class);
    /**
     * How long acknowledgements wait to travel together: long enough that a busy node sends one
     * script call for many sessions, short enough that queues are trimmed well within a second.
     */
    static final Duration ACKNOWLEDGEMENT_WINDOW = Duration.ofMillis(10);
    static final Duration FULL_PROBE_INTERVAL = Duration.ofMillis(500);

    private final RedisRuntime runtime;
    private final NodeWakeups wakeups;
    private final NodePresence presence;
    private final ExpirySweeper sweeper;
    private final HoldKeeper keeper;
    private final StoreEpoch epoch;
    private final NodeRoster roster;
    private final ClusterWatch clusterWatch;
    private final AcknowledgementBatcher acknowledgements;
    private final IndexJoins joins;
    private final SessionEnds ends;
    private final PendingReleases pendingReleases;
    /** This process's receivers are numbered above it (set at start). */
    private volatile long firstReceiver;

    private RedisEngine(RedisRuntime runtime, Parts parts) {
        super(parts.sessions, parts.sockets);
        this.runtime = runtime;
        this.wakeups = parts.wakeups;
        this.presence = parts.presence;
        this.sweeper = parts.sweeper;
        this.keeper = parts.keeper;
        this.epoch = parts.epoch;
        this.roster = parts.roster;
        this.clusterWatch = parts.clusterWatch;
        this.acknowledgements = parts.acknowledgements;
        this.joins = parts.joins;
        this.ends = parts.ends;
        this.pendingReleases = parts.pendingReleases;
        runtime.metrics().subscriptions(wakeups::subscribedCount, presence::isUp);
        runtime.metrics().storeHealth(runtime.watch()::answering, runtime.watch()::full,
                runtime.watch()::unansweredMillis);
    }

    /** The parts, made before the engine: some of them call back into it, through {@code engine}. */
    private static final class Parts {
        final NodeWakeups wakeups;
        final NodePresence presence;
        final ExpirySweeper sweeper;
        final StoreEpoch epoch;
        final NodeRoster roster;
        final ClusterWatch clusterWatch;
        final HoldKeeper keeper;
        final AcknowledgementBatcher acknowledgements;
        final RedisSessionStore sessions;
        final RedisSocketStore sockets;
        final IndexJoins joins;
        final SessionEnds ends;
        final PendingReleases pendingReleases;

        Parts(RedisRuntime rt, Duration socketIdleTimeout, Clock hostClock, AtomicReference<RedisEngine> engine) {
            RedisEngineConfig config = rt.config();
            RedisKeys keys = rt.keys();
            RedissonClient redisson = rt.redisson();
            // Plain pub/sub on a Cluster too: the scripts PUBLISH there (see wakeup.lua).
            wakeups = new NodeWakeups(redisson.getTopic(keys.wakeChannel(rt.nodeId()), ByteArrayCodec.INSTANCE),
                    rt.commands(), rt.nodeId());
            // The presence channel's re-subscription triggers the keeper, made after it.
            presence = new NodePresence(name -> rt.topic(name, HeapStringCodec.INSTANCE),
                    name -> redisson.getBucket(name, HeapStringCodec.INSTANCE), rt.script(), rt.scripts(),
                    rt.commands(), keys, rt.nodeId(), () -> engine.get().renewHeld());
            ExpiryIndex expiryIndex = new ExpiryIndex(rt.script(), rt.scripts(), rt.commands(), keys,
                    name -> redisson.getScoredSortedSet(name, HeapStringCodec.INSTANCE),
                    StoreGaps.forSweepInterval(config.sweepInterval()));
            Duration renewal = config.holdTtl().dividedBy(3);
            // A due session's keys outlive its index entry by the expiry margin (released) or by a
            // renewal period (held by a node now dead, whose sessions' keys outlive its last renewal by two): a lease of half the shorter
            // leaves another node time to end it should the sweeping node die mid-check.
            Duration lease = (config.expiryMargin().compareTo(renewal) < 0 ? config.expiryMargin() : renewal)
                    .dividedBy(2);
            AtomicReference<SessionExpiryListener> expiryListener = new AtomicReference<>();
            UnknownOutcomes unknown = new UnknownOutcomes(rt.timer(), UnknownOutcomes.boundFor(config));
            sweeper = new ExpirySweeper(rt.pipeline(), rt.scripts(), keys, expiryIndex, rt.timer(),
                    config.sweepInterval(), lease, expiryListener::get, presence, unknown, config.claimGrace(),
                    rt.clock());
            epoch = new StoreEpoch(redisson.getBucket(keys.epoch(), HeapStringCodec.INSTANCE), rt.commands(),
                    (known, found) -> engine.get().storeLost(known, found));
            ClaimJournal journal = new ClaimJournal(rt);
            roster = new NodeRoster(rt.nodeId(), keys, rt.commands(), presence, sweeper, journal,
                    name -> redisson.getScoredSortedSet(name, HeapStringCodec.INSTANCE),
                    new HeldList(keys, rt.commands(), name -> redisson.getBucket(name, HeapStringCodec.INSTANCE),
                            name -> redisson.getScoredSortedSet(name, HeapStringCodec.INSTANCE),
                            config.holdTtl().multipliedBy(2), rt.script(), rt.scripts()),
                    name -> redisson.getBucket(name, HeapStringCodec.INSTANCE), renewal, rt.script(), rt.scripts(),
                    new TakeoverPins(rt.pipeline(), rt.scripts(), keys, rt::slotGroup, config.holdTtl()), rt.timer(), rt.metrics(),
                    rt.clock(), hostClock);
            clusterWatch = new ClusterWatch(epoch, roster, rt.timer());
            long margin = config.expiryMargin().toMillis();
            pendingReleases = new PendingReleases(pending -> rt.scripts().release.<Long>eval(rt.script(),
                    RScript.ReturnType.LONG, keys.sessionKeys(pending.key()), pending.receiverId(), pending.upToSeq(),
                    pending.delayMillis(), margin), sweeper::track, wakeups, rt.timer(), rt.metrics(), rt.clock());
            SocketLifetime lifetime = new SocketLifetime(rt, socketIdleTimeout);
            ends = new SessionEnds(rt, lifetime.socketTtlMillis, config.stallBound(), config.holdTtl());
            // Kept releases and ends not answered yet stay listed as held: a node that dies before
            // Redis answers leaves them to its taker.
            keeper = new HoldKeeper(rt.pipeline(), rt.scripts(), keys, rt::slotGroup, wakeups::allHeld,
                    () -> {
                        List<SessionKey> releasing = new ArrayList<>(pendingReleases.sessions());
                        releasing.addAll(ends.sessions());
                        return releasing;
                    }, sweeper, roster, rt.timer(), config.holdTtl(), rt.commands()::clientUsable);
            acknowledgements = new AcknowledgementBatcher(keys, rt::scriptGroup,
                    (ackKeys, args) -> rt.pipeline().submit(rt.scripts().acknowledge,
                            RScript.ReturnType.LIST, ackKeys, args),
                    wakeups::evict, rt.timer(), ACKNOWLEDGEMENT_WINDOW);
            joins = new IndexJoins(lifetime);
            SlotClaims claims = new SlotClaims(rt.nodeId(), config, keys, rt.replies(), rt.scripts(), rt.pipeline(),
                    wakeups, presence, sweeper, journal, new HeldOwner(rt, wakeups, epoch), unknown, joins,
                    rt.clock()::arrivalAt);
            sessions = new RedisSessionStore(rt, claims, acknowledgements, wakeups, sweeper, expiryListener, unknown,
                    pendingReleases);
            sockets = new RedisSocketStore(rt, lifetime, new RedisPublisher(rt, lifetime), joins, ends, unknown,
                    new NewSocketQuota(config.maxNewSocketsPerApplication(), socketIdleTimeout,
                            config.maxNewSocketBytesPerApplication()));
        }
    }

    /**
     * Connects to Redis (blocking while Redisson connects: call at start-up, not on an event loop)
     * and starts the engine; fails with {@code StoreUnavailableException} if Redis cannot be reached.
     *
     * @param nodeId this node's id, unique in the cluster; receivers' ids carry it
     * @param socketIdleTimeout how long a push socket lives unused
     */
    public static CompletionStage<RedisEngine> start(RedisEngineConfig config, String nodeId,
            Duration socketIdleTimeout) {
        return start(config, nodeId, socketIdleTimeout, RedisMetrics.NONE);
    }

    /** As {@link #start(RedisEngineConfig, String, Duration)}, telling {@code metrics} of script calls and subscriptions. */
    public static CompletionStage<RedisEngine> start(RedisEngineConfig config, String nodeId,
            Duration socketIdleTimeout, RedisMetrics metrics) {
        return start(config, nodeId, socketIdleTimeout, metrics, null);
    }

    /**
     * As {@link #start(RedisEngineConfig, String, Duration, RedisMetrics)}, with the Redis client's
     * connections on the node's {@code eventLoops} (its own threads if null); close the engine
     * before shutting them down.
     */
    public static CompletionStage<RedisEngine> start(RedisEngineConfig config, String nodeId,
            Duration socketIdleTimeout, RedisMetrics metrics, SharedEventLoops eventLoops) {
        return start(config, nodeId, socketIdleTimeout, metrics, eventLoops, Clock.systemUTC());
    }

    /**
     * As {@link #start(RedisEngineConfig, String, Duration, RedisMetrics, SharedEventLoops)} on a
     * host whose clock is {@code hostClock}: tests run hosts whose clocks disagree in one JVM.
     */
    static CompletionStage<RedisEngine> start(RedisEngineConfig config, String nodeId, Duration socketIdleTimeout,
            RedisMetrics metrics, SharedEventLoops eventLoops, Clock hostClock) {
        Objects.requireNonNull(nodeId, "nodeId");
        ReconnectRelay relay = new ReconnectRelay();
        RedissonClient redisson;
        try {
            redisson = RedissonClients.create(config, "ws-node-" + nodeId, relay, eventLoops);
        } catch (RuntimeException e) {
            return StoreErrors.failed("connecting to Redis at " + config.endpoint(), e);
        }
        RedisRuntime runtime = RedisRuntime.on(redisson, config, nodeId, metrics);
        AtomicReference<RedisEngine> made = new AtomicReference<>();
        RedisEngine engine;
        try {
            engine = new RedisEngine(runtime, new Parts(runtime, socketIdleTimeout, hostClock, made));
        } catch (RuntimeException e) {
            runtime.shutdown();
            throw e;
        }
        made.set(engine);
        return engine.start().thenApply(started -> {
            relay.target(engine::renewHeld);
            return engine;
        });
    }

    /**
     * Stops this node's heartbeats and scans and nothing else (tests: a process that froze or died
     * while Redis keeps its connections); a round in flight still ends.
     */
    void stopClusterWatch() {
        clusterWatch.stop();
    }

    /** A heartbeat now, outside the cluster watch's rounds (tests: one that meets a stall). */
    CompletionStage<Void> heartbeat() {
        return roster.heartbeat();
    }

    /** Redis's clock as this node reckons it (tests). */
    StoreClock clock() {
        return runtime.clock();
    }

    /** Heartbeats and scans again after {@link #stopClusterWatch} (tests: a pause, not a death). */
    void resumeClusterWatch() {
        clusterWatch.resume();
    }

    private CompletionStage<Void> start() {
        return runtime.scripts().loadAll(runtime.script(), runtime.gate())
                .thenCompose(loaded -> roster.refuseIfIdInUse())
                .thenCompose(free -> wakeups.start())
                .thenCompose(subscribed -> roster.notePredecessor())
                .thenCompose(startedAt -> {
                    // Receivers of any process started before this one are numbered below.
                    firstReceiver = ReceiverId.firstOfProcessStartedAt(startedAt);
                    ReceiverId.numberAbove(firstReceiver);
                    return presence.start(firstReceiver);
                })
                .thenCompose(subscribed -> epoch.establish())
                .thenCompose(established -> roster.heartbeat())
                .thenAccept(listed -> {
                    presence.superseded().thenRun(this::giveWay);
                    runtime.timer().scheduleWithFixedDelay(this::probeWhileFull, FULL_PROBE_INTERVAL.toMillis(),
                            FULL_PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                    sweeper.start();
                    keeper.start();
                    clusterWatch.start();
                    LOG.info("node {} Redis engine on {} with prefix {}", runtime.nodeId(),
                            runtime.config().endpoint(), runtime.config().keyPrefix());
                })
                // Failures arrive on a Redis client's thread, which a shutdown of that client waits
                // for: closed from another. An id in use is an operator's mistake, said as it is.
                .exceptionallyCompose(error -> CompletableFuture.runAsync(this::close)
                        .thenCompose(closed -> Causes.unwrap(error) instanceof NodeIdInUseException inUse
                                ? CompletableFuture.<Void>failedFuture(inUse)
                                : StoreErrors.<Void>failed("starting the Redis engine", error)));
    }

    @Override
    public String name() {
        return "redis";
    }

    /**
     * A newer process runs under this node's id: it took this one's sessions over as its dead
     * predecessor's. This one writes nothing more as that node (heartbeats, the held list, sweeps
     * in its name), reports the fact as its problem, and its process stops ({@link #superseded}).
     */
    private void giveWay() {
        clusterWatch.stop();
        keeper.stop();
        sweeper.stop();
    }

    @Override
    public CompletionStage<String> superseded() {
        return presence.superseded();
    }

    /**
     * A session deleted before its admission (its client left while the claim was on its way) may
     * have joined its socket's index with the claim ({@link IndexJoins}): it leaves it again, as an
     * admitted one does when it closes, instead of holding a place under the socket's limit.
     */
    @Override
    public CompletionStage<Void> delete(SessionKey key) {
        CompletionStage<Void> deleted = super.delete(key);
        return joins.forget(key)
                ? deleted.thenCompose(done -> removeSession(key.scope(), key.sessionId())).thenApply(removed -> null)
                : deleted;
    }

    /**
     * Ends of sessions whose connection is gone go through {@link SessionEnds}: batched, one run at
     * a time, and out of their socket's index in the same script.
     */
    @Override
    public CompletionStage<Boolean> end(SessionKey key, SockJsFrame closeFrame) {
        wakeups.forgetAny(key);
        joins.forget(key);
        return ends.end(key).exceptionallyCompose(error -> StoreErrors.failed("end " + key, error));
    }

    /** This node's id, as its receivers' ids carry it. */
    public String nodeId() {
        return runtime.nodeId();
    }

    /**
     * {@code null} while Redis answers and takes writes, otherwise what is wrong; for the node's
     * health check. A command waiting {@link StoreWatch#STALL_THRESHOLD} unanswered is reported at
     * once (see {@link StoreWatch}: within 2 s of a stall by default), a refused write (Redis full)
     * until a write succeeds again, and the expiry sweep's failure or this node's lost presence
     * subscription as the sweeper finds them.
     */
    @Override
    public String problem() {
        String newer = presence.superseded().toCompletableFuture().getNow(null);
        if (newer != null) {
            return newer;
        }
        String store = runtime.watch().problem();
        return store != null ? store : sweeper.problem();
    }

    /** While Redis refuses writes, a small write every {@link #FULL_PROBE_INTERVAL} tells when it takes them again. */
    private void probeWhileFull() {
        if (!runtime.watch().full()) {
            return;
        }
        runtime.commands().timed("set", () -> runtime.redisson()
                        .getBucket(runtime.keys().probe(runtime.nodeId()), HeapStringCodec.INSTANCE)
                        .setAsync("1", Duration.ofSeconds(2)))
                .thenRun(runtime.watch()::wrote);
    }

    /**
     * Renews and checks every slot this node holds now (normally every third of the hold TTL), and
     * sends the releases and session ends Redis left unanswered again (Redis is back: a reconnection).
     */
    public CompletionStage<Void> renewHeld() {
        pendingReleases.retryNow();
        ends.retryNow();
        return keeper.renew();
    }

    /** This process's receivers are numbered above it ({@link ReceiverId#numberAbove}). */
    long firstReceiver() {
        return firstReceiver;
    }

    /** The engine's Redis parts (tests run their own {@link SessionEnds} on them). */
    RedisRuntime runtime() {
        return runtime;
    }

    /** Sessions whose end Redis has not answered yet (tests). */
    List<SessionKey> unended() {
        return ends.sessions();
    }

    /** The Redis client (tests kill a node by shutting it down without closing the engine). */
    RedissonClient redisson() {
        return runtime.redisson();
    }

    /** Stops timers and subscriptions, then the Redisson client. */
    @Override
    public void close() {
        acknowledgements.flush();
        // No heartbeat while it waits below: a process restarted under this id meanwhile would
        // take one for a live twin and refuse to start (NodeRoster.refuseIfIdInUse).
        clusterWatch.stop();
        // Releases Redis left unanswered: done now if it answers, else left in the held list (the
        // last renewal's) for the node that takes this one over. Then the ends of the sessions
        // whose websockets the drain closed, kept ones too: the application hears of them now.
        long closeDeadline = System.nanoTime() + closeWait().toNanos();
        pendingReleases.finish(closeWait());
        ends.finish(Duration.ofNanos(Math.max(0, closeDeadline - System.nanoTime())));
        sweeper.stop();
        keeper.stop();
        presence.stop();
        wakeups.stop();
        runtime.shutdown();
    }

    /**
     * The stall bound, at most 5 s: a stop waits no longer for Redis. Longer than one command's
     * attempts: a send cut with its connection is sent again by Redisson only a retry interval
     * later (1.2 s measured), and a close that waited 1 s left the release to a taker.
     */
    private Duration closeWait() {
        Duration bound = runtime.config().stallBound();
        return bound.compareTo(Duration.ofSeconds(5)) < 0 ? bound : Duration.ofSeconds(5);
    }

    /**
     * Redis lost its data (restarted without persistence, or flushed): every session this node
     * holds is gone from it. Closes them all with {@link CloseCodes#SESSION_STATE_LOST}, in one
     * go and with one log line, instead of evicting them one by one as each is found missing.
     */
    private void storeLost(String knownEpoch, String foundEpoch) {
        SockJsFrame closeFrame = SockJsFrame.close(CloseCodes.SESSION_STATE_LOST, CloseCodes.SESSION_STATE_LOST_REASON);
        int closed = 0;
        for (HeldReceiver held : wakeups.allHeld()) {
            if (held.lose(closeFrame)) {
                closed++;
            }
        }
        LOG.error("node {}: Redis lost its data (cluster epoch {} is {}: it restarted without persistence, or was"
                        + " flushed); every session and socket is gone: closed this node's {} open session(s) with {}",
                runtime.nodeId(), knownEpoch, foundEpoch == null ? "missing" : "now " + foundEpoch, closed,
                closeFrame.text());
    }
}

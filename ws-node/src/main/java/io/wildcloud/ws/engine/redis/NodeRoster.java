package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.redisson.api.RBucketAsync;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RScoredSortedSetAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a dead node's sessions over within seconds of its death, so that publishes stop counting
 * them as recipients: without it they would count until their expiry index entries came due (up
 * to two hold renewal periods, 40 s by default).
 *
 * <p>Every node lists itself in {@code <prefix>nodes} and the sessions it holds in
 * {@code <prefix>held:{<nodeId>}} ({@link HeldList}): every hold renewal rewrites the list whole. A session claimed since
 * the last renewal is in the node's {@link ClaimJournal}, which its claim wrote in the same script:
 * a takeover reads both. Every {@linkplain #scan scan} asks each listed node's presence
 * ({@link NodePresence}: a killed process's connections are closed by its kernel, so Redis forgets
 * its subscription at once); a node found absent by {@value #SCANS_TO_CONVICT} scans in a row is
 * dead (not within {@link #RESUBSCRIBE_GRACE} of this node's own subscription being made again:
 * after Redis comes back all nodes resubscribe, not all at once). The node that wins its takeover
 * lease ({@code <prefix>takeover:{<dead>}}, SET NX for a renewal period, renewed while it works,
 * taken back if it lapsed with nobody taking it) renews its sessions' keys as the node did
 * ({@link TakeoverPins}: unrenewed they expire, and a session reached after that could not be told
 * from one that ended normally), copies its journal into its held list, ends every session it
 * still holds (expire.lua, as the sweeper does for a dead holder, in the pipeline's background
 * lane), notifies their expiry, and only then takes it off the roster. Should its first pin come
 * after the keys may have expired (two thirds of the hold TTL after the death, less a second:
 * {@link TakeoverPins#safeUntil}), the sessions found gone are all heard of as ended, and counted
 * and logged as such: some may have ended normally and been heard of before. Should that node die
 * mid-way, the dead node is still listed and absent: the next node to win the lease once it lapses
 * ends the rest, from the held list (the journal may have expired by then). This is the cover for
 * that double fault, so a held session needs no entry in the expiry index (issue 16: ~170 bytes of
 * Redis per idle session, and a ZADD of every held session per renewal).
 *
 * <p>The times compared across nodes (a heartbeat, a restarted process's start, a takeover's
 * lateness) all come from one clock, the TIME of the master that holds the roster
 * (roster_seen.lua, roster_heartbeat.lua), never from a host's: hosts' clocks may differ by more
 * than a restart takes. Its failover may step that clock back: a process's heartbeats are then
 * listed at its start still, and a restarted process starts above its predecessor's last one.
 */
final class NodeRoster {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRoster.class);
    /** Consecutive scans a node must be absent in: a subscription lost for a moment is no death. */
    static final int SCANS_TO_CONVICT = 2;
    /**
     * No node is judged dead this soon after this node's own presence subscription was (re)made:
     * after a Redis restart every node resubscribes, some later than others.
     */
    static final Duration RESUBSCRIBE_GRACE = Duration.ofSeconds(10);
    /** Longer than any node lives without a heartbeat. */
    private static final Duration ROSTER_TTL = Duration.ofHours(1);
    /** A host clock further than this from Redis's is logged at start. */
    private static final Duration HOST_CLOCK_TOLERANCE = Duration.ofSeconds(1);
    /** Sessions of a dead node ended at once: bounds the calls in flight. */
    static final int TAKEOVER_BATCH = 256;

    private final String nodeId;
    private final RedisKeys keys;
    private final PlainCommands commands;
    private final NodePresence presence;
    private final ExpirySweeper sweeper;
    private final ClaimJournal journal;
    private final Function<String, RScoredSortedSetAsync<String>> zset;
    private final HeldList held;
    private final Function<String, RBucketAsync<String>> bucket;
    private final Duration takeoverLease;
    private final RScriptAsync script;
    private final LuaScripts scripts;
    private final TakeoverPins pins;
    private final ScheduledExecutorService timer;
    private final RedisMetrics metrics;
    private final Clock hostClock;
    private final Map<String, Integer> absences = new ConcurrentHashMap<>();
    /**
     * The last heartbeat of the process that ran under this node's id before this one, if it was
     * still listed at this one's start (nobody took it over): this node takes it over itself.
     */
    private volatile Double predecessorSeen;
    /** This process's start on the roster's clock (ms): its heartbeats are never listed before it. */
    private volatile long processStart;
    /** The roster's clock, read at {@link #notePredecessor} and every heartbeat. */
    private final StoreClock clock;

    /**
     * @param zset the zset of a key name (strings)
     * @param held the nodes' held lists
     * @param bucket the string key of a key name (the takeover lease)
     * @param takeoverLease how long a takeover is left to the node that won it: shorter than a dead
     *     node's journal and session keys outlive it, so that another node can still end them;
     *     the taker renews it while it works (takeover_lease.lua)
     * @param script runs takeover_lease.lua
     * @param pins keeps the dead node's sessions' keys alive while the takeover runs
     * @param timer pins them again every {@link TakeoverPins#period()}, whatever step the takeover is at
     * @param metrics counts sessions a takeover reached too late to tell how they ended
     * @param hostClock this host's wall clock: only compared with the roster's, in a log line at start
     */
    NodeRoster(String nodeId, RedisKeys keys, PlainCommands commands, NodePresence presence, ExpirySweeper sweeper,
            ClaimJournal journal, Function<String, RScoredSortedSetAsync<String>> zset, HeldList held,
            Function<String, RBucketAsync<String>> bucket, Duration takeoverLease, RScriptAsync script,
            LuaScripts scripts, TakeoverPins pins, ScheduledExecutorService timer, RedisMetrics metrics,
            StoreClock clock, Clock hostClock) {
        this.nodeId = nodeId;
        this.clock = clock;
        this.keys = keys;
        this.commands = commands;
        this.presence = presence;
        this.sweeper = sweeper;
        this.journal = journal;
        this.zset = zset;
        this.held = held;
        this.bucket = bucket;
        this.takeoverLease = takeoverLease;
        this.script = script;
        this.scripts = scripts;
        this.pins = pins;
        this.timer = timer;
        this.metrics = metrics;
        this.hostClock = hostClock;
    }

    /**
     * How long a start watches a node id that has a subscriber for a heartbeat under it: over two
     * cluster-watch rounds ({@link ClusterWatch#PERIOD}).
     */
    static final Duration LIVE_PROOF = Duration.ofMillis(2_500);
    private static final Duration LIVE_PROOF_STEP = Duration.ofMillis(250);

    /**
     * Fails with {@link NodeIdInUseException} when a live process runs under this node's id (two
     * processes given one id): this one would write its process key, so that every node took the
     * live one's receivers for dead, and would take the live one over as its dead predecessor,
     * ending its sessions. Call before this process subscribes or writes anything. Only an id whose
     * presence channel has a subscriber is watched, for {@link #LIVE_PROOF}: a heartbeat under it
     * meanwhile is a live process. A process that died but whose connection Redis has not closed
     * yet never heartbeats, and is taken over as before; so is a live one whose heartbeats pause
     * that long (a takeover holds its cluster-watch round), which this cannot tell from a dead one.
     */
    CompletionStage<Void> refuseIfIdInUse() {
        return presence.isAlive(nodeId).thenCompose(subscribed -> !subscribed
                ? CompletableFuture.<Void>completedFuture(null)
                : listedAt().thenCompose(seen -> watchForHeartbeat(seen, System.nanoTime() + LIVE_PROOF.toNanos())));
    }

    private CompletionStage<Double> listedAt() {
        return commands.<Double>timed("zscore", () -> zset.apply(keys.nodes()).getScoreAsync(nodeId));
    }

    private CompletionStage<Void> watchForHeartbeat(Double seen, long deadline) {
        if (System.nanoTime() >= deadline) {
            LOG.info("node {}: its presence channel has a subscriber but no heartbeat came in {}: a process that"
                    + " died and whose connection Redis has not closed yet", nodeId, LIVE_PROOF);
            return CompletableFuture.completedFuture(null);
        }
        return after(LIVE_PROOF_STEP).thenCompose(waited -> listedAt()).thenCompose(now -> {
            // Any change is a heartbeat: a score may also step back (a failover to a replica whose
            // clock is behind keeps it at the process's start).
            if (now != null && !now.equals(seen)) {
                return CompletableFuture.failedFuture(new NodeIdInUseException("node id " + nodeId + " is in use: a"
                        + " live process runs under it (subscribed to its presence channel, and its heartbeat on the"
                        + " roster came while this one started); give each process its own node-id (WS_NODE_ID),"
                        + " or stop the other process first"));
            }
            return watchForHeartbeat(seen, deadline);
        });
    }

    private CompletionStage<Void> after(Duration wait) {
        CompletableFuture<Void> waited = new CompletableFuture<>();
        try {
            timer.schedule(() -> waited.complete(null), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            waited.completeExceptionally(stopped);
        }
        return waited;
    }

    /**
     * Notes the process that ran under this node's id before this one, should it still be listed:
     * one restarted within seconds (fixed node ids) is back before any node judged it dead, and no
     * node takes its sessions over but this one. Call before the first {@link #heartbeat};
     * completes with this process's start (ms), which its receivers' numbers are made from.
     */
    CompletionStage<Long> notePredecessor() {
        return rosterSeen(nodeId).thenApply(seen -> {
            predecessorSeen = seen < 0 ? null : (double) seen;
            // Above the predecessor's last heartbeat, whatever the roster's clock says now (it may
            // have stepped back): its receivers are all numbered below this process's.
            long rosterNow = rosterNow();
            long startedAt = Math.max(rosterNow, seen + 1);
            processStart = startedAt;
            long hostAhead = hostClock.millis() - rosterNow;
            if (Math.abs(hostAhead) > HOST_CLOCK_TOLERANCE.toMillis()) {
                LOG.warn("node {}'s clock is {} ms {} Redis's (the roster's master): the takeover of dead nodes does not"
                        + " depend on it, its logs' times do", nodeId, Math.abs(hostAhead),
                        hostAhead > 0 ? "ahead of" : "behind");
            }
            return startedAt;
        });
    }

    /**
     * {@code node}'s last heartbeat (ms, -1 if not listed) on the roster's clock, which it notes
     * too: the one clock that times compared across nodes come from (roster_seen.lua).
     */
    private CompletionStage<Long> rosterSeen(String node) {
        long sentAt = System.nanoTime();
        return scripts.rosterSeen.<List<Object>>eval(script, RScript.ReturnType.LIST, List.of(keys.nodes()), node)
                .thenApply(answer -> {
                    clock.read((Long) answer.get(0), sentAt, System.nanoTime());
                    return (Long) answer.get(1);
                });
    }

    /**
     * Now on the roster's clock ({@link StoreClock}): never behind, so a takeover in doubt judges
     * itself late (sessions heard of twice) rather than early (heard of never).
     */
    private long rosterNow() {
        return clock.now();
    }

    /**
     * Takes over the process that ran under this node's id before, once the application listens
     * for the notices, if no other node holds that takeover's lease (one that judged it dead does).
     * Its held list must still be its own: this node's first hold renewal, a renewal period after
     * the start, rewrites it.
     */
    private CompletionStage<Void> takeOverPredecessor() {
        Double seen = predecessorSeen;
        if (seen == null || !sweeper.listening()) {
            return CompletableFuture.completedFuture(null);
        }
        predecessorSeen = null;
        RBucketAsync<String> lease = bucket.apply(keys.takeover(nodeId));
        return commands.<Boolean>timed("set", () -> lease.setIfAbsentAsync(nodeId, takeoverLease))
                .thenCompose(won -> {
                    if (!won) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    LOG.warn("node {} was restarted under its id before any node judged its last process (last seen"
                            + " {} ms ago) dead: taking that process's sessions over itself", nodeId,
                            rosterNow() - seen.longValue());
                    long started = System.nanoTime();
                    return takeOver(new DeadProcess(nodeId, seen.longValue()), started).whenComplete((done, error) -> {
                        if (error != null) {
                            LOG.warn("node {}'s takeover of its last process failed after {} ms: {}", nodeId,
                                    (System.nanoTime() - started) / 1_000_000, error.toString());
                        }
                    });
                });
    }

    /** Lists this node as alive now, on the roster's clock (again, should Redis have lost the roster). */
    CompletionStage<Void> heartbeat() {
        long sentAt = System.nanoTime();
        return scripts.rosterHeartbeat.<Long>eval(script, RScript.ReturnType.LONG, List.of(keys.nodes()), nodeId,
                        ROSTER_TTL.toMillis(), processStart)
                .thenCompose(now -> {
                    clock.read(now, sentAt, System.nanoTime());
                    return presence.announce();
                });
    }

    /**
     * This node holds exactly {@code sessions} now: lists them in place of the last list (those
     * claimed since the sessions were read are in the claim journal).
     */
    CompletableFuture<Void> heldNow(Collection<SessionKey> sessions) {
        List<String> members = new ArrayList<>(sessions.size());
        sessions.forEach(key -> members.add(RedisKeys.expiryMember(key)));
        return held.write(nodeId, members).toCompletableFuture();
    }

    /**
     * Looks for dead nodes on the roster and takes over the sessions of those dead for
     * {@value #SCANS_TO_CONVICT} scans in a row. Skipped while this node's own presence is lost,
     * was only just made again, or is not seen by Redis: then Redis, not the others, is what went
     * away.
     */
    CompletionStage<Void> scan() {
        if (!presence.isUp() || presence.resubscribedWithin(RESUBSCRIBE_GRACE)) {
            absences.clear();
            return CompletableFuture.completedFuture(null);
        }
        // This node may not know yet that its own subscription is gone (a Redis restarted a moment
        // ago has no subscribers at all): judge others only while Redis sees this node's own.
        return presence.isAlive(nodeId).thenCompose(selfSeen -> {
            if (!selfSeen) {
                absences.clear();
                return CompletableFuture.<Void>completedFuture(null);
            }
            return takeOverPredecessor().thenCompose(done -> judgeListed());
        });
    }

    private CompletionStage<Void> judgeListed() {
        return commands.<Collection<String>>timed("zrange", () -> zset.apply(keys.nodes()).readAllAsync())
                .thenCompose(listed -> {
                    absences.keySet().retainAll(listed);
                    List<CompletableFuture<Void>> checks = new ArrayList<>();
                    for (String other : listed) {
                        if (!other.equals(nodeId)) {
                            checks.add(presence.isAlive(other).thenCompose(alive -> judge(other, alive))
                                    .toCompletableFuture());
                        }
                    }
                    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
                });
    }

    private CompletionStage<Void> judge(String other, boolean alive) {
        if (alive) {
            absences.remove(other);
            return CompletableFuture.completedFuture(null);
        }
        if (absences.merge(other, 1, Integer::sum) < SCANS_TO_CONVICT) {
            return CompletableFuture.completedFuture(null);
        }
        absences.remove(other);
        // Whoever wins the lease takes its sessions over; the others leave them alone while it
        // runs, and the dead node stays listed until the takeover is done.
        RBucketAsync<String> lease = bucket.apply(keys.takeover(other));
        return commands.<Boolean>timed("set", () -> lease.setIfAbsentAsync(nodeId, takeoverLease))
                .thenCompose(won -> won ? takeOver(other) : CompletableFuture.completedFuture(null));
    }

    /**
     * The process that died under {@code nodeId}, last listed (its heartbeat) at
     * {@code lastSeenMillis} on the roster's clock: a node restarted under the same id since
     * numbers its receivers higher ({@link ReceiverId#firstAfter}; its start is read from the same
     * clock, above that heartbeat), and its sessions are not taken over.
     */
    record DeadProcess(String nodeId, long lastSeenMillis) {

        long receiverBound() {
            return ReceiverId.firstAfter(lastSeenMillis);
        }

        /** Whether the encoded receiver id {@code holder} is one of this process's. */
        boolean held(String holder) {
            ReceiverId receiver = ReceiverId.decode(holder);
            return receiver.nodeId().equals(nodeId) && receiver.connectionId() < receiverBound();
        }
    }

    private CompletionStage<Void> takeOver(String dead) {
        long started = System.nanoTime();
        return rosterSeen(dead)
                .thenCompose(seen -> takeOver(new DeadProcess(dead, seen < 0 ? rosterNow() : seen), started))
                .whenComplete((done, error) -> {
                    if (error != null) {
                        // Tried again once the lease lapses and two more scans find the node absent.
                        LOG.warn("node {}'s takeover of dead node {} failed after {} ms, tried again within {} and {}"
                                + " scans: {}", nodeId, dead, (System.nanoTime() - started) / 1_000_000,
                                takeoverLease, SCANS_TO_CONVICT, error.toString());
                    }
                });
    }

    /**
     * A takeover in progress, kept by the timer whatever step it is at (a journal read on a loaded
     * Cluster, a stalled store, a long list): its lease renewed every third of it, the sessions the
     * dead process still held when last pinned and not ended yet pinned again every
     * {@link TakeoverPins#period()}, and then the held list cut to what is left: a node that takes
     * over should this one die no longer lists those ended here, which it would find gone and,
     * after a late start ({@link #pinFirst}), hear of a second time.
     */
    private final class Takeover {

        final DeadProcess dead;
        final Set<String> unended = ConcurrentHashMap.newKeySet();
        /** Members found gone by a late first pin: heard of as ended then, not again when ended. */
        final Set<String> heard = ConcurrentHashMap.newKeySet();
        final AtomicLong ended = new AtomicLong();
        /** Set once the lease is another node's: this one stops, that one ends the rest. */
        final AtomicBoolean lost = new AtomicBoolean();
        volatile List<String> members;
        volatile int next;
        /** Set once every member was tried: the held list is the takeover's to delete now, not to cut. */
        volatile boolean finished;
        private final AtomicBoolean keeping = new AtomicBoolean();
        private long pinnedAt = System.nanoTime();
        private int listedFrom;

        Takeover(DeadProcess dead) {
            this.dead = dead;
        }

        /** One round of the timer's; skipped while the last one still runs. */
        void keep() {
            if (!keeping.compareAndSet(false, true)) {
                return;
            }
            keepLease(dead.nodeId(), ended.get()).<Void>thenCompose(kept -> {
                if (!kept) {
                    lost.set(true);
                    return CompletableFuture.completedFuture(null);
                }
                if (System.nanoTime() - pinnedAt < pins.period().toNanos()) {
                    return CompletableFuture.completedFuture(null);
                }
                pinnedAt = System.nanoTime();
                CompletionStage<Void> pinned = unended.isEmpty() ? CompletableFuture.completedFuture(null)
                        : pins.pin(List.copyOf(unended), dead.nodeId(), dead.receiverBound()).thenApply(found -> null);
                List<String> listed = members;
                int from = next;
                if (listed == null || finished || from == listedFrom || from >= listed.size()) {
                    return pinned;
                }
                listedFrom = from;
                return pinned.thenCompose(done -> finished ? CompletableFuture.<Void>completedFuture(null)
                        : writeHeld(dead, listed.subList(from, listed.size()), false));
            }).whenComplete((done, error) -> keeping.set(false));
        }
    }

    private CompletionStage<Void> takeOver(DeadProcess dead, long started) {
        Takeover takeover = new Takeover(dead);
        ScheduledFuture<?> keeper = keepEvery(takeover);
        return heldBy(dead, takeover).thenCompose(members -> {
            long listed = System.nanoTime();
            takeover.members = List.copyOf(members);
            return endFrom(takeover, 0).thenCompose(ended -> {
                takeover.finished = true;
                if (ended < 0) {
                    return CompletableFuture.<Void>completedFuture(null);
                }
                // The lease is checked once more: a node that won it meanwhile is ending them too,
                // and takes the dead node off the roster itself. Its journals expire by themselves
                // within a hold TTL: nobody reads them again. The lease lapses by itself too: a node
                // that judged it dead meanwhile finds it taken.
                return keepLease(dead.nodeId(), ended).thenCompose(kept -> !kept
                        ? CompletableFuture.<Void>completedFuture(null)
                        : leaveRoster(dead)
                                .thenAccept(left -> LOG.warn("{}: {} session(s) it held ended by node {} in {} ms ({} ms"
                                                + " to list them)", dead.nodeId().equals(nodeId)
                                                ? "node " + nodeId + "'s previous process is gone (this process"
                                                        + " restarted under its id)"
                                                : "node " + dead.nodeId() + " is gone (no presence subscription for "
                                                        + SCANS_TO_CONVICT + " checks)",
                                        ended, nodeId, (System.nanoTime() - started) / 1_000_000,
                                        (listed - started) / 1_000_000)));
            });
        }).whenComplete((done, error) -> {
            if (keeper != null) {
                keeper.cancel(false);
            }
        });
    }

    /**
     * Takes the dead process off the roster and deletes its held list, unless a process restarted
     * under the same node id listed itself since (the score moved): both are per node id, and that
     * process's entry and list are its own.
     */
    private CompletionStage<Void> leaveRoster(DeadProcess dead) {
        return scripts.rosterLeave.<Long>eval(script, RScript.ReturnType.LONG, List.of(keys.nodes()), dead.nodeId(),
                dead.lastSeenMillis()).thenCompose(left -> {
                    if (left < 0) {
                        if (dead.nodeId().equals(nodeId)) {
                            // This node took over the process before it: the entry and list are its own.
                            return CompletableFuture.completedFuture(null);
                        }
                        LOG.info("node {} was restarted under its id during its takeover by node {}: its roster entry"
                                + " and held list are the new process's", dead.nodeId(), nodeId);
                        return CompletableFuture.completedFuture(null);
                    }
                    return held.delete(dead.nodeId()).thenApply(deleted -> null);
                });
    }

    /**
     * Rewrites the dead process's held list (to what is left to end, or with its journal added),
     * unless a process restarted under the same node id listed itself since: the list is per node
     * id, and the new process's renewals write its own. Checked, then written: on a Cluster the
     * roster and the list are in different slots; a restart in between costs the new process its
     * list until its next renewal (its journal still names what it claimed meanwhile). Written
     * only while this node holds the lease, and a cut only while the list exists
     * ({@link HeldList#cut}): a cut the timer sent just before the takeover ended and deleted the
     * list writes nothing. {@code create} for the list with the journal added, which may be missing.
     */
    private CompletionStage<Void> writeHeld(DeadProcess dead, Collection<String> members, boolean create) {
        return commands.<Double>timed("zscore", () -> zset.apply(keys.nodes()).getScoreAsync(dead.nodeId()))
                .thenCompose(seen -> seen != null && seen.longValue() != dead.lastSeenMillis()
                        ? CompletableFuture.<Void>completedFuture(null)
                        : held.cut(dead.nodeId(), nodeId, members, create).thenApply(written -> null));
    }

    /** Runs {@link Takeover#keep} every third of the lease; null if the engine is closing. */
    private ScheduledFuture<?> keepEvery(Takeover takeover) {
        long third = Math.max(1, takeoverLease.toMillis() / 3);
        try {
            return timer.scheduleWithFixedDelay(takeover::keep, third, third, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            return null;
        }
    }

    /**
     * Ends the takeover's members from {@code from} on, {@value #TAKEOVER_BATCH} at a time, while
     * its lease is this node's (the timer renews it: a takeover of many sessions or on a slow store
     * outlasts one lease, and a lapsed lease lets another node take the same sessions over at the
     * same time). Completes with how many this node ended, or -1 if the lease went to another node
     * (which then ends the rest from the held list).
     */
    private CompletionStage<Long> endFrom(Takeover takeover, int from) {
        List<String> members = takeover.members;
        if (takeover.lost.get()) {
            LOG.warn("node {} lost its takeover lease of dead node {} after ending {} of its session(s): the node that"
                    + " holds it now ends the rest", nodeId, takeover.dead.nodeId(), takeover.ended.get());
            return CompletableFuture.completedFuture(-1L);
        }
        if (from >= members.size()) {
            return CompletableFuture.completedFuture(takeover.ended.get());
        }
        int to = Math.min(members.size(), from + TAKEOVER_BATCH);
        List<String> batch = members.subList(from, to);
        List<CompletableFuture<Boolean>> ends = batch.stream()
                .map(member -> sweeper.takeOver(RedisKeys.parseExpiryMember(member), takeover.dead::held,
                        takeover.heard.contains(member)).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).thenCompose(all -> {
            batch.forEach(takeover.unended::remove);
            takeover.ended.addAndGet(ends.stream().filter(CompletableFuture::join).count());
            takeover.next = to;
            return endFrom(takeover, to);
        });
    }

    /**
     * Renews this node's takeover lease of {@code dead}, or takes it back if it lapsed untaken;
     * false (logged) if another node holds it.
     */
    private CompletionStage<Boolean> keepLease(String dead, long ended) {
        String lease = keys.takeover(dead);
        return scripts.takeoverLease.<Long>eval(script, RScript.ReturnType.LONG, List.of(lease), nodeId,
                takeoverLease.toMillis()).thenApply(renewed -> {
                    if (renewed == 1L) {
                        return true;
                    }
                    if (renewed == 2L) {
                        LOG.info("node {} took its takeover lease of dead node {} back after ending {} of its"
                                + " session(s): it lapsed during a step longer than {} and nobody else took it",
                                nodeId, dead, ended, takeoverLease);
                        return true;
                    }
                    return false;
                });
    }

    /**
     * What {@code dead} held: its held list as of its last renewal, and what it claimed since (its
     * journal), which goes into the held list first: a node that takes over after this one died
     * mid-way may find the journal expired. Each part is pinned as soon as it is read (the held
     * list before the journal, whose read is the slow step on a loaded Cluster).
     */
    private CompletionStage<Set<String>> heldBy(DeadProcess dead, Takeover takeover) {
        return held.read(dead.nodeId())
                .thenCompose(listed -> pinFirst(dead, listed, takeover).thenCompose(pinnedListed -> journal.read(dead.nodeId())
                        .thenCompose(claimed -> {
                            Set<String> members = new HashSet<>(listed);
                            List<String> added = new ArrayList<>();
                            claimed.forEach(member -> {
                                if (members.add(member)) {
                                    added.add(member);
                                }
                            });
                            if (added.isEmpty()) {
                                return CompletableFuture.completedFuture(members);
                            }
                            return pinFirst(dead, added, takeover).thenCompose(pinnedAdded -> writeHeld(dead, members, true))
                                    .thenApply(done -> members);
                        })));
    }

    /**
     * The first pin of {@code members}. Those found gone ended normally, and were heard of then (or
     * their dead node's end ran unanswered: the end tells of it, {@link ExpiryChecks#takeOver}), if
     * the pin was sent before any of their keys could have expired unrenewed; after that, expired
     * ones look the same, and all are heard of as ended now (those that ended normally a second
     * time), counted and logged: the bound a takeover cannot get past.
     */
    private CompletionStage<Void> pinFirst(DeadProcess dead, Collection<String> members, Takeover takeover) {
        long sentAt = rosterNow();
        return pins.pin(members, dead.nodeId(), dead.receiverBound()).thenAccept(pinned -> {
            takeover.unended.addAll(pinned.held());
            Set<String> gone = pinned.gone();
            long late = sentAt - pins.safeUntil(dead.lastSeenMillis());
            if (late <= 0 || gone.isEmpty()) {
                return;
            }
            takeover.heard.addAll(gone);
            gone.forEach(member -> sweeper.notifyExpired(RedisKeys.parseExpiryMember(member)));
            metrics.takeoverLate(gone.size());
            LOG.warn("node {}'s takeover of dead node {} reached its sessions {} ms after it was last seen, {} ms"
                    + " after their keys may have expired unrenewed (hold TTL {}): {} session(s) found gone were"
                    + " heard of as ended now, whether they expired or ended normally before (then heard of"
                    + " twice)", nodeId, dead.nodeId(), sentAt - dead.lastSeenMillis(), late, pins.holdTtl(),
                    gone.size());
        });
    }
}

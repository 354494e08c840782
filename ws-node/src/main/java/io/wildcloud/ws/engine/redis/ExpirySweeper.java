package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends released sessions whose disconnect delay passed, and held sessions whose holder's node
 * died, on whichever node gets to them first. A release adds the session to the expiry index
 * ({@link ExpiryIndex}) with its deadline. A held session has no entry (its node's roster entry
 * covers it: {@link NodeRoster}), but one released and claimed again may still have its release's:
 * a check that finds it held takes it out, and its next release adds it again.
 *
 * <p>Every sweep interval each node sweeps every shard of the index, all at once. A sweep leases
 * a shard's due members (expiry_lease.lua): in one atomic step their score moves to the end of
 * the lease, so no other node takes them meanwhile. expire.lua then ends a session only if nobody
 * (alive) holds it and its deadline (by Redis's clock) passed, and the node that ended it
 * notifies the listener. Once a member's check has concluded it leaves the index
 * (expiry_settle.lua, only if it still carries this lease: a release or renewal meanwhile gave it
 * a new deadline that must stay), or gets its next deadline when it is held or not yet due. A node
 * that dies mid-check leaves its leased members to come due again when the lease ends, for
 * another node to check: the lease is shorter than the time a due session's keys outlive its
 * deadline. Should a slow node's lease lapse while it still checks, two nodes may check one
 * session, but expire.lua ends it (and answers "ended") only once: the other finds it gone.
 *
 * <p>After a store stall no session ends before the node of a release that ran just before the
 * stall, and was answered only after it, has started its delay again (rearm.lua, a round trip
 * after the answer; the client polls again as soon as it has the answer). A gap in a shard's
 * sweeps starts a grace for every node (expiry_lease.lua, {@link StoreGaps}), but Redis sees no gap
 * in a stall shorter than the longest gap, nor in a shard never swept before; and the leases sent
 * during a stall run at its end, as the release's late copies do, so their checks could end the
 * session a round trip before its rearm. So the node counts too: a lease answered after it heard
 * nothing from its shard for {@link #stallSilence} leaves its members leased (they come due at the
 * lease's end), and the shard's next lease starts the grace, for every node. A stalled Cluster
 * master holds up every sweep until it answers (a sweep waits for all shards), so no check waits
 * behind the stall of a session's master.
 */
final class ExpirySweeper {

    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
    /** Most members one sweep leases from one shard: all shards together keep a few hundred checks in flight. */
    private static final int BATCH_PER_SHARD = 25;
    /** Longer than any session lives without a node renewing or sweeping it. */
    private static final Duration INDEX_TTL = Duration.ofHours(1);

    private final ExpiryIndex index;
    private final ExpiryChecks sessionChecks;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final Duration lease;
    private final NodePresence presence;
    /**
     * Longer than this without an answer from a shard means that the store stalled:
     * {@link ExpiryChecks#LATE_ANSWER}, the shortest stall after which a release's node rearms (a
     * stall shows whole here: nothing is answered during one), unless a sweep interval and half a
     * late answer is longer (one sweep after the other is no stall; with sweep intervals over
     * 500 ms a shorter stall goes unseen here, and only a gap in the sweeps starts a grace).
     */
    private final Duration stallSilence;
    /** Per shard, when (System.nanoTime()) this node last had an answer from it (a lease, a settle). */
    private final AtomicLongArray heardFrom = new AtomicLongArray(RedisKeys.EXPIRY_SHARDS);
    /** Per shard, 1 while its next lease must start the grace after a stall. */
    private final AtomicIntegerArray afterStall = new AtomicIntegerArray(RedisKeys.EXPIRY_SHARDS);
    private final long claimGraceMillis;
    /** The index's deadlines and leases are on it, whichever node writes or reads them. */
    private final StoreClock clock;
    private volatile boolean stopped;
    private volatile String problem;

    /**
     * @param lease how long the members a sweep took stay out of other nodes' sweeps; shorter than
     *     the time a due session's keys outlive its deadline, so that another node gets to it if
     *     this one dies mid-check
     * @param unknown sends a rearm again while Redis does not answer it
     * @param claimGrace how long after its deadline a released session may still be claimed
     *     ({@link RedisEngineConfig#claimGrace()}): its index entry comes due that much later
     * @param clock Redis's clock as this node reckons it, which the index's deadlines are on
     */
    ExpirySweeper(ScriptPipeline pipeline, LuaScripts scripts, RedisKeys keys, ExpiryIndex index,
            ScheduledExecutorService timer, Duration interval, Duration lease,
            Supplier<SessionExpiryListener> listener, NodePresence presence,
            UnknownOutcomes unknown, Duration claimGrace, StoreClock clock) {
        this.index = index;
        this.clock = clock;
        this.claimGraceMillis = claimGrace.toMillis();
        this.sessionChecks = new ExpiryChecks(pipeline, scripts, keys, index, listener, presence,
                unknown, claimGrace, clock);
        this.timer = timer;
        this.interval = interval;
        this.lease = lease;
        this.presence = presence;
        Duration sweepAndSome = interval.plus(ExpiryChecks.LATE_ANSWER.dividedBy(2));
        this.stallSilence = sweepAndSome.compareTo(ExpiryChecks.LATE_ANSWER) > 0 ? sweepAndSome
                : ExpiryChecks.LATE_ANSWER;
    }

    void start() {
        // The engine's start just had its answers: a stall before the first sweep counts from here.
        long now = System.nanoTime();
        for (int shard = 0; shard < RedisKeys.EXPIRY_SHARDS; shard++) {
            heardFrom.set(shard, now);
        }
        schedule();
    }

    void stop() {
        stopped = true;
    }

    /** See {@link ExpiryChecks#rearmIfLate}. */
    CompletionStage<Void> rearmIfLate(SessionKey key, long sentAtMillis, long delayMillis, long marginMillis) {
        return sessionChecks.rearmIfLate(key, sentAtMillis, delayMillis, marginMillis);
    }

    /**
     * Notes that {@code key} was released and ends at {@code deadlineMillis} (this node's clock):
     * due for a check a claim grace later, when expire.lua may end it.
     */
    CompletableFuture<Boolean> track(SessionKey key, long deadlineMillis) {
        return index.add(key, deadlineMillis + claimGraceMillis);
    }

    private void schedule() {
        if (!stopped) {
            timer.schedule(() -> sweep(allShards()), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static List<Integer> allShards() {
        return IntStream.range(0, RedisKeys.EXPIRY_SHARDS).boxed().toList();
    }

    private void sweep(List<Integer> shards) {
        if (stopped) {
            return;
        }
        Map<String, CompletionStage<NodePresence.NodeProcess>> nodeProcesses = new ConcurrentHashMap<>();
        List<CompletableFuture<Boolean>> sweeps = shards.stream()
                .map(shard -> sweepShard(shard, nodeProcesses).toCompletableFuture())
                .toList();
        CompletableFuture.allOf(sweeps.toArray(CompletableFuture[]::new))
                // Each sweep also checks this node's presence subscription, for the health check.
                .thenCompose(done -> presence.checkOwn())
                .whenComplete((up, error) -> {
                    if (error != null) {
                        if (problem == null) {
                            LOG.warn("Redis does not answer the expiry sweep: {}", error.toString());
                        }
                        problem = "Redis unreachable: " + rootCause(error);
                        schedule();
                        return;
                    }
                    if (problem != null) {
                        LOG.info("Redis answers the expiry sweep again");
                        problem = null;
                    }
                    // A shard that gave a full batch may hold more that are due: on with those at once.
                    List<Integer> full = IntStream.range(0, shards.size())
                            .filter(i -> sweeps.get(i).join())
                            .mapToObj(shards::get)
                            .toList();
                    if (!full.isEmpty() && !stopped) {
                        timer.execute(() -> sweep(full));
                    } else {
                        schedule();
                    }
                });
    }

    /**
     * Leases the due members of {@code shard}, checks each and settles those whose check concluded;
     * completes with whether the batch was full. A failed check leaves its member leased (it comes
     * due again) and fails the sweep once the others are settled.
     */
    private CompletionStage<Boolean> sweepShard(int shard, Map<String, CompletionStage<NodePresence.NodeProcess>> nodeProcesses) {
        long now = clock.now();
        boolean startsGrace = afterStall.get(shard) == 1;
        return index.lease(shard, now, BATCH_PER_SHARD, now + lease.toMillis(), INDEX_TTL.toMillis(), startsGrace)
                .thenCompose(leased -> {
                    long answered = System.nanoTime();
                    long silence = answered - heardFrom.getAndSet(shard, answered);
                    if (silence > stallSilence.toNanos()) {
                        // Sent before the store stalled, run at its end: a release that ran before the
                        // stall may not have reached its node yet, whose rearm comes a round trip after.
                        afterStall.set(shard, 1);
                        if (!leased.members().isEmpty()) {
                            LOG.info("expiry index shard {} answered after {} ms of silence (a store stall):"
                                    + " {} due session(s) left until their lease ends, a grace starts",
                                    shard, silence / 1_000_000, leased.members().size());
                        }
                        return CompletableFuture.completedFuture(false);
                    }
                    if (startsGrace) {
                        afterStall.set(shard, 0); // the shard's mark carries the grace now, for every node
                    }
                    List<String> concluded = Collections.synchronizedList(new ArrayList<>());
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    CompletableFuture<?>[] checks = leased.members().stream()
                            .map(member -> sessionChecks.check(RedisKeys.parseExpiryMember(member), nodeProcesses,
                                    leased.notBefore())
                                    .handle((done, error) -> {
                                        if (error != null) {
                                            failure.compareAndSet(null, error);
                                        } else if (done) {
                                            concluded.add(member);
                                        }
                                        return null;
                                    })
                                    .toCompletableFuture())
                            .toArray(CompletableFuture[]::new);
                    return CompletableFuture.allOf(checks)
                            .thenCompose(all -> index.settle(leased, List.copyOf(concluded)))
                            .thenApply(settled -> {
                                if (!concluded.isEmpty()) {
                                    // The shard answered again: however long the checks took, no silence.
                                    heardFrom.set(shard, System.nanoTime());
                                }
                                if (failure.get() != null) {
                                    throw new CompletionException(failure.get());
                                }
                                return leased.members().size() == BATCH_PER_SHARD;
                            });
                });
    }

    /**
     * {@code null} while the last sweep (every sweep interval) got its answer from Redis, otherwise
     * what went wrong: the store's health.
     */
    String problem() {
        String unreachable = problem;
        if (unreachable != null) {
            return unreachable;
        }
        return presence.isUp() ? null : "presence subscription lost: other nodes would take this node for dead";
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** Ends {@code key} if a receiver of a dead process still holds it (see {@link ExpiryChecks#takeOver}). */
    CompletionStage<Boolean> takeOver(SessionKey key, Predicate<String> deadHolder, boolean heardOf) {
        return sessionChecks.takeOver(key, deadHolder, heardOf);
    }

    void notifyExpired(SessionKey key) {
        sessionChecks.notifyExpired(key);
    }

    /** Whether the application listens for expiries yet: a takeover's notices would be lost before. */
    boolean listening() {
        return sessionChecks.listening();
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
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
 * taken back if it lapsed with nobody taking it) copies its journal into its held list, ends every
 * session it still holds (expire.lua, as the sweeper does for a dead holder), notifies their
 * expiry, and only then takes it off the roster. Should that node die
 * mid-way, the dead node is still listed and absent: the next node to win the lease once it lapses
 * ends the rest, from the held list (the journal may have expired by then). This is the cover for
 * that double fault, so a held session needs no entry in the expiry index (issue 16: ~170 bytes of
 * Redis per idle session, and a ZADD of every held session per renewal).
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
    /** Sessions of a dead node ended at once: bounds the calls in flight; the lease is renewed between batches. */
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
    private final Map<String, Integer> absences = new ConcurrentHashMap<>();

    /**
     * @param zset the zset of a key name (strings)
     * @param held the nodes' held lists
     * @param bucket the string key of a key name (the takeover lease)
     * @param takeoverLease how long a takeover is left to the node that won it: shorter than a dead
     *     node's journal and session keys outlive it, so that another node can still end them;
     *     the taker renews it while it works (takeover_lease.lua)
     * @param script runs takeover_lease.lua
     */
    NodeRoster(String nodeId, RedisKeys keys, PlainCommands commands, NodePresence presence, ExpirySweeper sweeper,
            ClaimJournal journal, Function<String, RScoredSortedSetAsync<String>> zset, HeldList held,
            Function<String, RBucketAsync<String>> bucket, Duration takeoverLease, RScriptAsync script,
            LuaScripts scripts) {
        this.nodeId = nodeId;
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
    }

    /** Lists this node as alive now (again, should Redis have lost the roster). */
    CompletionStage<Void> heartbeat() {
        RScoredSortedSetAsync<String> nodes = zset.apply(keys.nodes());
        return commands.<Boolean>timed("zadd", () -> nodes.addAsync(System.currentTimeMillis(), nodeId))
                .thenCompose(added -> commands.<Boolean>timed("pexpire", () -> nodes.expireAsync(ROSTER_TTL)))
                .thenApply(done -> null);
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
            return judgeListed();
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

    private CompletionStage<Void> takeOver(String dead) {
        long started = System.nanoTime();
        AtomicLong renewed = new AtomicLong(started);
        return takeOver(dead, started, renewed).whenComplete((done, error) -> {
            if (error != null) {
                // Tried again once the lease lapses and two more scans find the node absent.
                LOG.warn("node {}'s takeover of dead node {} failed after {} ms, tried again within {} and {} scans:"
                        + " {}", nodeId, dead, (System.nanoTime() - started) / 1_000_000, takeoverLease,
                        SCANS_TO_CONVICT, error.toString());
            }
        });
    }

    private CompletionStage<Void> takeOver(String dead, long started, AtomicLong renewed) {
        return heldBy(dead).thenCompose(members -> {
            long listed = System.nanoTime();
            return endFrom(dead, List.copyOf(members), 0, 0, renewed).thenCompose(ended -> {
                if (ended < 0) {
                    return CompletableFuture.<Void>completedFuture(null);
                }
                // The lease is checked once more: a node that won it meanwhile is ending them too,
                // and takes the dead node off the roster itself. Its journals expire by themselves
                // within a hold TTL: nobody reads them again. The lease lapses by itself too: a node
                // that judged it dead meanwhile finds it taken.
                return keepLease(dead, ended).thenCompose(kept -> !kept ? CompletableFuture.<Void>completedFuture(null)
                        : commands.<Boolean>timed("zrem", () -> zset.apply(keys.nodes()).removeAsync(dead))
                                .thenCompose(removed -> held.delete(dead))
                                .thenAccept(deleted -> LOG.warn("node {} is gone (no presence subscription for {}"
                                                + " checks): {} session(s) it held ended by node {} in {} ms ({} ms"
                                                + " to list them)", dead, SCANS_TO_CONVICT, ended, nodeId,
                                        (System.nanoTime() - started) / 1_000_000, (listed - started) / 1_000_000)));
            });
        });
    }

    /**
     * Ends {@code members} from {@code from} on, {@value #TAKEOVER_BATCH} at a time, renewing the
     * lease once a third of it has passed since its last renewal: a takeover of many sessions or
     * on a slow store outlasts one lease, and a lapsed lease lets another node take the same
     * sessions over at the same time. Completes with how many this node ended, or -1 if the lease
     * went to another node (which then ends the rest from the held list).
     */
    private CompletionStage<Long> endFrom(String dead, List<String> members, int from, long ended, AtomicLong renewed) {
        if (from >= members.size()) {
            return CompletableFuture.completedFuture(ended);
        }
        CompletionStage<Boolean> kept = System.nanoTime() - renewed.get() < takeoverLease.toNanos() / 3
                ? CompletableFuture.completedFuture(true)
                : keepLease(dead, ended).thenApply(yes -> {
                    renewed.set(System.nanoTime());
                    return yes;
                });
        return kept.thenCompose(yes -> {
            if (!yes) {
                return CompletableFuture.completedFuture(-1L);
            }
            int to = Math.min(members.size(), from + TAKEOVER_BATCH);
            List<CompletableFuture<Boolean>> ends = members.subList(from, to).stream()
                    .map(member -> sweeper.takeOver(RedisKeys.parseExpiryMember(member), dead).toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).thenCompose(all -> endFrom(dead,
                    members, to, ended + ends.stream().filter(CompletableFuture::join).count(), renewed));
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
                    LOG.warn("node {} lost its takeover lease of dead node {} after ending {} of its session(s):"
                            + " the node that holds it now ends the rest", nodeId, dead, ended);
                    return false;
                });
    }

    /**
     * What {@code dead} held: its held list as of its last renewal, and what it claimed since (its
     * journal), which goes into the held list first: a node that takes over after this one died
     * mid-way may find the journal expired.
     */
    private CompletionStage<Set<String>> heldBy(String dead) {
        return held.read(dead)
                .thenCompose(listed -> journal.read(dead).thenCompose(claimed -> {
                    Set<String> members = new HashSet<>(listed);
                    if (!members.addAll(claimed)) {
                        return CompletableFuture.completedFuture(members);
                    }
                    return held.write(dead, members).thenApply(done -> members);
                }));
    }
}

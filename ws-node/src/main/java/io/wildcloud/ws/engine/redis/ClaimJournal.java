package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.cluster.ClusterSlotRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions a node claimed lately, written by the claim itself: a claim that makes the receiver
 * the holder (claim.lua, claim_open.lua: a stream's, a websocket's, a poll's that opens its session
 * or finds nothing to take and waits) lists its session in its node's journal in the same script.
 * A waiting poll needs it as much as a stream: the expiry index entry of its session's last release
 * is checked and dropped while the node lives (DeadNodeHeldPollsTest). The roster's held list, rewritten by the next hold renewal, lives
 * in another Cluster slot than the session's keys, so no script can write it with the claim; a
 * node killed between the claim and that renewal would leave a session nobody
 * finds, whose keys expire silently while publishes count it. The journal is therefore kept in the
 * session's own slot: one zset per slot and node, {@code <prefix>claims:{<slot tag>}:<nodeId>}
 * ({@link ClusterSlots#tag}), one per node on a single Redis, where slots do not matter.
 *
 * <p>Whoever takes a dead node's sessions over ({@link NodeRoster}) reads its journals along with
 * its held list: on a Cluster the journals of all 16384 slots, one claims_read.lua run per master
 * over the slots it serves (CLUSTER SLOTS first); should the slots move meanwhile (or the script be
 * refused), one ZRANGE per slot, in batches one after the other (a command per slot costs the
 * client far more than Redis), but not after a read Redis did not answer in time.
 * A journal keeps a hold TTL of claims (older entries are dropped by the next claim in
 * its slot, and it expires a hold TTL after the last): by then a hold renewal has listed a session
 * that is still held in the node's held list, or its keys are gone.
 */
final class ClaimJournal {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimJournal.class);
    /**
     * Journals read per batch when read slot by slot (a batch takes a connection per master). Small:
     * a batch of 2048 held the node's own event loops, which Redisson writes on, for 1–6 s at load.
     */
    private static final int READS_PER_BATCH = 256;

    private final RedisRuntime runtime;
    private final RedisKeys keys;

    ClaimJournal(RedisRuntime runtime) {
        this.runtime = runtime;
        this.keys = runtime.keys();
    }

    /** The journal of {@code nodeId} that a claim of {@code session} writes: in the session's slot. */
    String key(String nodeId, SessionKey session) {
        return keys.claimJournal(nodeId, runtime.cluster() ? ClusterSlots.of(keys.session(session)) : 0);
    }

    /** A session's entry in the journal (the expiry index's member: one parser for both). */
    static String member(SessionKey session) {
        return RedisKeys.expiryMember(session);
    }

    /** Every session in {@code nodeId}'s journals. */
    CompletionStage<Set<String>> read(String nodeId) {
        if (!runtime.cluster()) {
            return readTogether(nodeId, List.of(0)).thenApply(HashSet::new);
        }
        return runtime.commands().<Map<ClusterSlotRange, Set<String>>>timed("cluster", () -> runtime.redisson()
                        .getRedisNodes(RedisNodes.CLUSTER).getMasters().iterator().next().clusterSlotsAsync())
                .thenCompose(ranges -> readByMaster(nodeId, ranges))
                .exceptionallyCompose(error -> {
                    if (StoreErrors.unanswered(error)) {
                        // A master too slow for one script is slower still for 16384 commands: at
                        // load 15 they took 31 s and failed too, holding up the node's watch rounds.
                        // The takeover fails and is tried again (NodeRoster).
                        return CompletableFuture.failedStage(error);
                    }
                    // The slots moved between CLUSTER SLOTS and the reads, or the script was refused.
                    LOG.info("reading node {}'s claim journals by master failed ({}): reading them slot by slot",
                            nodeId, StoreErrors.redacted(error.toString()));
                    return readEachSlot(nodeId);
                });
    }

    /** One claims_read.lua run per master (the ranges of one master name the same addresses). */
    private CompletionStage<Set<String>> readByMaster(String nodeId, Map<ClusterSlotRange, Set<String>> ranges) {
        Map<Set<String>, List<Integer>> byMaster = new HashMap<>();
        ranges.forEach((range, addresses) -> {
            List<Integer> slots = byMaster.computeIfAbsent(addresses, master -> new ArrayList<>());
            for (int slot = range.getStartSlot(); slot <= range.getEndSlot(); slot++) {
                slots.add(slot);
            }
        });
        List<CompletableFuture<List<String>>> reads = byMaster.values().stream()
                .map(slots -> readTogether(nodeId, slots).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Set<String> members = new HashSet<>();
            reads.forEach(read -> members.addAll(read.join()));
            return members;
        });
    }

    /** claims_read.lua over {@code nodeId}'s journals of {@code slots}, all on one master (routed by the first). */
    private CompletionStage<List<String>> readTogether(String nodeId, List<Integer> slots) {
        StringBuilder others = new StringBuilder(slots.size() * 4);
        for (int slot : slots.subList(1, slots.size())) {
            others.append(ClusterSlots.tag(slot)).append(' ');
        }
        return runtime.scripts().claimsRead.<List<Object>>eval(runtime.script(), RScript.ReturnType.LIST,
                        List.of(keys.claimJournal(nodeId, slots.get(0))), keys.claimJournalHead(),
                        keys.claimJournalTail(nodeId), others.toString())
                .thenApply(members -> members.stream().map(String.class::cast).toList());
    }

    /** One ZRANGE per slot, in batches one after the other: at once they took every connection of the client. */
    private CompletionStage<Set<String>> readEachSlot(String nodeId) {
        List<String> journals = new ArrayList<>();
        for (int slot = 0; slot < ClusterSlots.SLOTS; slot++) {
            journals.add(keys.claimJournal(nodeId, slot));
        }
        Set<String> members = new HashSet<>();
        CompletionStage<Void> reads = CompletableFuture.completedFuture(null);
        for (int from = 0; from < journals.size(); from += READS_PER_BATCH) {
            List<String> part = journals.subList(from, Math.min(journals.size(), from + READS_PER_BATCH));
            reads = reads.thenCompose(done -> readBatch(part)).thenAccept(members::addAll);
        }
        return reads.thenApply(done -> members);
    }

    private CompletionStage<List<String>> readBatch(List<String> journals) {
        List<RFuture<Collection<String>>> answers = new ArrayList<>(journals.size());
        return runtime.commands().timed("zrange", () -> {
            RBatch batch = runtime.redisson().createBatch(BatchOptions.defaults());
            for (String journal : journals) {
                answers.add(batch.<String>getScoredSortedSet(journal, HeapStringCodec.INSTANCE).readAllAsync());
            }
            return batch.executeAsync();
        }).thenApply(done -> answers.stream().flatMap(answer -> answer.toCompletableFuture().join().stream())
                .toList());
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;

/**
 * The sessions a node claimed lately, written by the claim itself: a stream's or websocket's claim
 * (claim.lua, claim_open.lua) lists its session in its node's journal in the same script that
 * makes the receiver the holder. The notes that go after a claim, the roster's held set and the
 * expiry index, live in other Cluster slots than the session's keys, so no script can write them
 * with the claim; a node killed between the claim and those notes would leave a session nobody
 * finds, whose keys expire silently while publishes count it. The journal is therefore kept in the
 * session's own slot: one zset per slot and node, {@code <prefix>claims:{<slot tag>}:<nodeId>}
 * ({@link ClusterSlots#tag}), one per node on a single Redis, where slots do not matter.
 *
 * <p>Whoever takes a dead node's sessions over ({@link NodeRoster}) reads its journals along with
 * its held set: on a Cluster one command per slot, 16384 in batches one after the other, once per
 * dead node. A journal keeps a hold TTL of claims (older entries are dropped by the next claim in
 * its slot, and it expires a hold TTL after the last): by then a hold renewal has listed a session
 * that is still held in the node's held set, or its keys are gone.
 */
final class ClaimJournal {

    /** Journals read per batch while taking a dead node over (a batch takes a connection per master). */
    private static final int READS_PER_BATCH = 2048;

    private final RedissonClient redisson;
    private final RedisKeys keys;
    private final PlainCommands commands;
    private final boolean cluster;

    ClaimJournal(RedissonClient redisson, RedisKeys keys, PlainCommands commands, boolean cluster) {
        this.redisson = redisson;
        this.keys = keys;
        this.commands = commands;
        this.cluster = cluster;
    }

    /** The journal of {@code nodeId} that a claim of {@code session} writes: in the session's slot. */
    String key(String nodeId, SessionKey session) {
        return keys.claimJournal(nodeId, cluster ? ClusterSlots.of(keys.session(session)) : 0);
    }

    /** A session's entry in the journal (the expiry index's member: one parser for both). */
    static String member(SessionKey session) {
        return RedisKeys.expiryMember(session);
    }

    /** Every session in {@code nodeId}'s journals. */
    CompletionStage<Set<String>> read(String nodeId) {
        List<String> journals = new ArrayList<>();
        for (int slot = 0; slot < (cluster ? ClusterSlots.SLOTS : 1); slot++) {
            journals.add(keys.claimJournal(nodeId, slot));
        }
        Set<String> members = new HashSet<>();
        CompletionStage<Void> reads = CompletableFuture.completedFuture(null);
        // One batch after the other: at once they took every connection of the Redis client, and
        // the node's own sweeps and claims waited seconds behind them.
        for (int from = 0; from < journals.size(); from += READS_PER_BATCH) {
            List<String> part = journals.subList(from, Math.min(journals.size(), from + READS_PER_BATCH));
            reads = reads.thenCompose(done -> readBatch(part)).thenAccept(members::addAll);
        }
        return reads.thenApply(done -> members);
    }

    private CompletionStage<List<String>> readBatch(List<String> journals) {
        List<RFuture<Collection<String>>> answers = new ArrayList<>(journals.size());
        return commands.timed("zrange", () -> {
            RBatch batch = redisson.createBatch(BatchOptions.defaults());
            for (String journal : journals) {
                answers.add(batch.<String>getScoredSortedSet(journal, HeapStringCodec.INSTANCE).readAllAsync());
            }
            return batch.executeAsync();
        }).thenApply(done -> answers.stream().flatMap(answer -> answer.toCompletableFuture().join().stream())
                .toList());
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;

/**
 * The expiry index: sessions by the time the sweeper should look at them, spread over
 * {@link RedisKeys#EXPIRY_SHARDS} zsets (see {@link RedisKeys#expiryShard(int)}). Every command
 * here touches one shard only, so it stays in one slot on a Cluster.
 */
final class ExpiryIndex {

    /**
     * Due members a node leased from one shard, the lease's score that marks them as its own, and
     * the time (ms, Redis's clock) before which none of them may end: the grace after a gap in the
     * shard's sweeps or a stall, 0 if none runs.
     */
    record Lease(int shard, String score, long notBefore, List<String> members) {
    }

    private final RScriptAsync script;
    private final LuaScripts scripts;
    private final PlainCommands commands;
    private final RedisKeys keys;
    private final List<RScoredSortedSetAsync<String>> shards = new ArrayList<>();
    private final StoreGaps gaps;

    /**
     * @param zset the zset of a key name (strings)
     * @param gaps how long a gap in a shard's sweeps means that the store was away, and the grace after it
     */
    ExpiryIndex(RScriptAsync script, LuaScripts scripts, PlainCommands commands, RedisKeys keys,
            Function<String, RScoredSortedSetAsync<String>> zset, StoreGaps gaps) {
        this.gaps = gaps;
        this.script = script;
        this.scripts = scripts;
        this.commands = commands;
        this.keys = keys;
        for (int shard = 0; shard < RedisKeys.EXPIRY_SHARDS; shard++) {
            shards.add(zset.apply(keys.expiryShard(shard)));
        }
    }

    /** Sets when {@code key} is next due (this node's clock). */
    CompletableFuture<Boolean> add(SessionKey key, long dueMillis) {
        String member = RedisKeys.expiryMember(key);
        return commands.<Boolean>timed("zadd",
                        () -> shards.get(RedisKeys.expiryShardOf(member)).addAsync(dueMillis, member))
                .toCompletableFuture();
    }

    /** Sets when each of {@code sessions} is next due: one ZADD per shard they fall in. */
    CompletableFuture<Void> addAll(Collection<SessionKey> sessions, long dueMillis) {
        Map<Integer, Map<String, Double>> byShard = new HashMap<>();
        for (SessionKey key : sessions) {
            String member = RedisKeys.expiryMember(key);
            byShard.computeIfAbsent(RedisKeys.expiryShardOf(member), shard -> new HashMap<>())
                    .put(member, (double) dueMillis);
        }
        return CompletableFuture.allOf(byShard.entrySet().stream()
                .map(entry -> commands.timed("zadd", () -> shards.get(entry.getKey()).addAllAsync(entry.getValue()))
                        .toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Leases to the caller at most {@code batch} members of {@code shard} due at {@code nowMillis}:
     * they stay in the index, due again at {@code leaseEndMillis} unless the caller
     * {@linkplain #settle settles} them or gives them a new deadline first. The lease also carries
     * the grace after a gap in the shard's sweeps (see {@link StoreGaps}).
     *
     * @param shardTtlMillis TTL of the shard, renewed by every lease
     * @param afterStall the caller heard nothing from the shard for longer than a stall: the grace
     *     starts now, whatever the gap between sweeps that Redis saw
     */
    CompletionStage<Lease> lease(int shard, long nowMillis, int batch, long leaseEndMillis, long shardTtlMillis,
            boolean afterStall) {
        // Half a millisecond past the lease's end: deadlines are whole milliseconds, so an entry
        // that carries this score exactly is still the one this lease took.
        String score = leaseEndMillis + ".5";
        return scripts.expiryLease.<List<Object>>eval(script, RScript.ReturnType.LIST,
                        List.of(keys.expiryShard(shard), keys.expirySweepMark(shard)), nowMillis, batch, score,
                        shardTtlMillis, gaps.longestSweepGap().toMillis(), gaps.grace().toMillis(),
                        afterStall ? "1" : "0")
                .thenApply(reply -> new Lease(shard, score, (Long) reply.get(0),
                        reply.subList(1, reply.size()).stream().map(String.class::cast).toList()));
    }

    /** Takes {@code members} of {@code lease} out of the index, those that still carry the lease. */
    CompletionStage<Long> settle(Lease lease, List<String> members) {
        if (members.isEmpty()) {
            return CompletableFuture.completedFuture(0L);
        }
        Object[] args = new Object[members.size() + 1];
        args[0] = lease.score();
        for (int i = 0; i < members.size(); i++) {
            args[i + 1] = members.get(i);
        }
        return scripts.expirySettle.eval(script, RScript.ReturnType.LONG, List.of(keys.expiryShard(lease.shard())),
                args);
    }
}

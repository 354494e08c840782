package io.wildcloud.ws.engine.redis;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.redisson.api.RBucketAsync;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RScoredSortedSetAsync;

/**
 * The sessions a node holds as of its last hold renewal ({@link NodeRoster}):
 * {@code <prefix>held:{<nodeId>}}, one string rewritten whole by every renewal (a SET with its
 * TTL), each session as {@code <length>:<member>} (the expiry index's member, whose own length
 * prefix covers the scope only). Since issue 16: a zset of the same name cost an idle session
 * ~160 bytes of Redis (skiplist node, member, dict entry) where this costs ~70, and its renewal a
 * ZADD of every held session and a ZREMRANGEBYSCORE where this is one SET. A zset left by an
 * earlier build (its node died before this build took over) is read as such.
 */
final class HeldList {

    private final RedisKeys keys;
    private final PlainCommands commands;
    private final Function<String, RBucketAsync<String>> bucket;
    private final Function<String, RScoredSortedSetAsync<String>> zset;
    private final Duration ttl;
    private final RScriptAsync script;
    private final LuaScripts scripts;

    /**
     * @param bucket the string key of a key name
     * @param zset the zset of a key name (an earlier build's list)
     * @param ttl TTL of a node's list: it outlives the sessions' keys of a dead node
     * @param script runs held_cut.lua
     */
    HeldList(RedisKeys keys, PlainCommands commands, Function<String, RBucketAsync<String>> bucket,
            Function<String, RScoredSortedSetAsync<String>> zset, Duration ttl, RScriptAsync script,
            LuaScripts scripts) {
        this.keys = keys;
        this.commands = commands;
        this.bucket = bucket;
        this.zset = zset;
        this.ttl = ttl;
        this.script = script;
        this.scripts = scripts;
    }

    /** {@code nodeId} holds exactly {@code members} (expiry index members) now. */
    CompletionStage<Void> write(String nodeId, Collection<String> members) {
        RBucketAsync<String> list = bucket.apply(keys.held(nodeId));
        if (members.isEmpty()) {
            return commands.<Boolean>timed("del", list::deleteAsync).thenApply(done -> null);
        }
        String encoded = encode(members);
        return commands.<Void>timed("set", () -> list.setAsync(encoded, ttl));
    }

    /**
     * A takeover of dead node {@code nodeId} by node {@code taker} rewrites its list to
     * {@code members} (what it has left to end, or the list with the journal added: then
     * {@code create}, the list may be missing). Completes with whether it was written.
     */
    CompletionStage<Boolean> cut(String nodeId, String taker, Collection<String> members, boolean create) {
        // In one script with the checks: a cut still on its way when the takeover ended must not
        // bring the list back (held_cut.lua).
        return scripts.heldCut.<Long>eval(script, RScript.ReturnType.LONG,
                List.of(keys.held(nodeId), keys.takeover(nodeId)), taker, ttl.toMillis(), create ? "1" : "0",
                members.isEmpty() ? "" : encode(members)).thenApply(written -> written == 1L);
    }

    /** What {@code nodeId} held at its last renewal (none if its list is gone). */
    CompletionStage<Set<String>> read(String nodeId) {
        String key = keys.held(nodeId);
        return commands.<String>timed("get", () -> bucket.apply(key).getAsync())
                .<CompletionStage<Set<String>>>handle((encoded, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(encoded == null ? new HashSet<>() : decode(encoded));
                    }
                    if (!wrongType(error)) {
                        return CompletableFuture.failedFuture(error);
                    }
                    return commands.<Collection<String>>timed("zrange", () -> zset.apply(key).readAllAsync())
                            .thenApply(HashSet::new);
                })
                .thenCompose(read -> read);
    }

    CompletionStage<Void> delete(String nodeId) {
        return commands.<Boolean>timed("del", () -> bucket.apply(keys.held(nodeId)).deleteAsync())
                .thenApply(done -> null);
    }

    static String encode(Collection<String> members) {
        StringBuilder out = new StringBuilder(members.size() * 72);
        for (String member : members) {
            out.append(member.length()).append(':').append(member);
        }
        return out.toString();
    }

    static Set<String> decode(String encoded) {
        Set<String> members = new HashSet<>();
        int at = 0;
        while (at < encoded.length()) {
            int colon = encoded.indexOf(':', at);
            int end;
            try {
                end = colon + 1 + Integer.parseInt(encoded, at, colon, 10);
            } catch (RuntimeException e) {
                throw new IllegalStateException("held list unreadable at character " + at, e);
            }
            if (end <= colon || end > encoded.length()) {
                throw new IllegalStateException("held list unreadable at character " + at);
            }
            members.add(encoded.substring(colon + 1, end));
            at = end;
        }
        return members;
    }

    private static boolean wrongType(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (!(cause instanceof CompletionException) && cause.getMessage() != null
                    && cause.getMessage().startsWith("WRONGTYPE")) {
                return true;
            }
        }
        return false;
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.redisson.api.RScript;

/**
 * Keeps a dead node's held sessions' keys alive while a takeover ends them (takeover_pin.lua), as
 * the node's own renewal did: unrenewed, they expire a hold TTL after its last renewal, and a
 * session the takeover reached only after that was found gone, which a normal end looks like too,
 * so it was never heard of. A pin is one call per group of sessions ({@code group}: their
 * Cluster slot; {@link ScriptCalls}), sent beside the node's ordered calls as the renewal's are
 * ({@link ScriptPipeline#runBeside}), {@value #CALLS_PER_BATCH} at a time.
 */
final class TakeoverPins {

    /**
     * Pin calls sent together, then the next ones: Redis runs a batch's scripts back to back (75 of
     * 256 sessions, 19,000, held the node's own calls for tens of ms), and the client encodes a
     * batch whole on its event loop, where the takeover's lease renewal waits (8 at a time, under
     * the tests' paranoid leak detection, let a 1 s lease lapse: TakeoverLeaseTest).
     */
    static final int CALLS_PER_BATCH = 2;
    private static final long HELD = 1;
    private static final long GONE = -1;

    /** What a pin found: the members the dead process held (their keys renewed), and those gone. */
    record Pinned(Set<String> held, Set<String> gone) {
    }

    private final ScriptPipeline pipeline;
    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final Function<SessionKey, String> group;
    private final Duration ttl;

    /** @param ttl what a pin gives the keys: the hold TTL, renewed every third of it while the takeover runs */
    TakeoverPins(ScriptPipeline pipeline, LuaScripts scripts, RedisKeys keys, Function<SessionKey, String> group,
            Duration ttl) {
        this.pipeline = pipeline;
        this.scripts = scripts;
        this.keys = keys;
        this.group = group;
        this.ttl = ttl;
    }

    /**
     * A renewal's own duration and the delay between renewals (they run a period after the last
     * one's end): how much earlier than a period before its death a node's last renewal may have run.
     */
    private static final Duration RENEWAL_SLACK = Duration.ofSeconds(1);

    /** How often a takeover pins what it has yet to end: as often as the node renewed them. */
    Duration period() {
        return ttl.dividedBy(3);
    }

    Duration holdTtl() {
        return ttl;
    }

    /**
     * Until when (ms) none of the keys of a node last seen alive at {@code lastSeenMillis} can have
     * expired unrenewed: its last renewal ran at most a renewal period before (plus
     * {@link #RENEWAL_SLACK}), and a session claimed since got a full hold TTL then. Two thirds of
     * the hold TTL after the death at the least (39 s by default).
     */
    long safeUntil(long lastSeenMillis) {
        return lastSeenMillis + ttl.toMillis() - period().toMillis() - RENEWAL_SLACK.toMillis();
    }

    /**
     * Renews the keys of those of {@code members} (expiry index members) that a receiver of
     * {@code deadNode} numbered below {@code receiverBound} holds; completes with what it found.
     */
    CompletionStage<Pinned> pin(Collection<String> members, String deadNode, long receiverBound) {
        List<SessionKey> sessions = new ArrayList<>(members.size());
        members.forEach(member -> sessions.add(RedisKeys.parseExpiryMember(member)));
        List<List<SessionKey>> calls = ScriptCalls.split(sessions, group);
        if (calls.isEmpty()) {
            return CompletableFuture.completedFuture(new Pinned(Set.of(), Set.of()));
        }
        List<List<Object>> callKeys = new ArrayList<>(calls.size());
        List<Object[]> callArgs = new ArrayList<>(calls.size());
        for (List<SessionKey> call : calls) {
            List<Object> sessionKeys = new ArrayList<>(call.size() * 2);
            call.forEach(key -> sessionKeys.addAll(keys.sessionKeys(key)));
            callKeys.add(sessionKeys);
            callArgs.add(new Object[] {ttl.toMillis(), deadNode, receiverBound});
        }
        List<CompletableFuture<Object>> answers = new ArrayList<>(calls.size());
        CompletableFuture<Void> sent = CompletableFuture.completedFuture(null);
        for (int from = 0; from < calls.size(); from += CALLS_PER_BATCH) {
            int to = Math.min(calls.size(), from + CALLS_PER_BATCH);
            List<List<Object>> partKeys = callKeys.subList(from, to);
            List<Object[]> partArgs = callArgs.subList(from, to);
            sent = sent.handle((done, error) -> null).thenCompose(previous -> {
                List<CompletableFuture<Object>> part = pipeline.runBeside(scripts.takeoverPin,
                        RScript.ReturnType.LIST, partKeys, partArgs);
                answers.addAll(part);
                return CompletableFuture.allOf(part.toArray(CompletableFuture[]::new));
            });
        }
        return sent.thenApply(done -> {
            Set<String> held = new HashSet<>();
            Set<String> gone = new HashSet<>();
            for (int c = 0; c < calls.size(); c++) {
                List<?> perSession = (List<?>) answers.get(c).join();
                for (int i = 0; i < calls.get(c).size(); i++) {
                    if (perSession.get(i) instanceof Long answer && (answer == HELD || answer == GONE)) {
                        (answer == HELD ? held : gone).add(RedisKeys.expiryMember(calls.get(c).get(i)));
                    }
                }
            }
            return new Pinned(held, gone);
        });
    }
}

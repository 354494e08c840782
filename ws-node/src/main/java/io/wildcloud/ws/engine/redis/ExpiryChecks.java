package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of one due session, for the {@link ExpirySweeper} and for a node's takeover of a dead
 * node's sessions ({@link NodeRoster}): expire.lua ends it only if nobody alive holds it and its
 * deadline passed by Redis's clock (a released one's by the claim grace too: its client's poll may
 * have reached a node in time, its claim not yet Redis); a session not due by Redis's clock gets
 * its next deadline in the index, and one held by a live node leaves it (its node's roster entry
 * covers it, and its next release adds it again); an ended session's listener hears of it.
 */
final class ExpiryChecks {

    // The sweeper's logger, as before the checks had a class of their own.
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
    private static final long HELD = -2;
    private static final long ENDED_OPEN = -4;
    /** Gone, ended open by its dead node, which never heard the answer (end.lua's end-owed mark). */
    private static final long END_OWED = -6;
    /** An answer this long after its request means that the store stalled (a claim or release takes milliseconds). */
    static final Duration LATE_ANSWER = Duration.ofSeconds(1);

    private final ScriptPipeline pipeline;
    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final ExpiryIndex index;
    private final Supplier<SessionExpiryListener> listener;
    private final NodePresence presence;
    private final UnknownOutcomes unknown;
    private final long claimGraceMillis;
    private final StoreClock clock;

    /**
     * @param unknown sends a rearm again while Redis does not answer it, as the release before it
     * @param claimGrace how long after its deadline a released session may still be claimed
     *     ({@link RedisEngineConfig#claimGrace()}): no check ends it before
     * @param clock Redis's clock as this node reckons it, which the index's deadlines are on
     */
    ExpiryChecks(ScriptPipeline pipeline, LuaScripts scripts, RedisKeys keys, ExpiryIndex index,
            Supplier<SessionExpiryListener> listener, NodePresence presence,
            UnknownOutcomes unknown, Duration claimGrace, StoreClock clock) {
        this.claimGraceMillis = claimGrace.toMillis();
        this.clock = clock;
        this.pipeline = pipeline;
        this.scripts = scripts;
        this.keys = keys;
        this.index = index;
        this.listener = listener;
        this.presence = presence;
        this.unknown = unknown;
    }

    /**
     * Checks one due session; completes with {@code true} once the check has concluded (ended or
     * gone: it leaves the index), {@code false} when it got its next deadline.
     */
    CompletionStage<Boolean> check(SessionKey key, Map<String, CompletionStage<NodePresence.NodeProcess>> nodeProcesses,
            long notBefore) {
        return expire(key, "", notBefore).thenCompose(result -> {
            if ((Long) result.get(0) == HELD) {
                return checkHolder(key, (String) result.get(1), nodeProcesses, notBefore);
            }
            return conclude(key, result);
        });
    }

    /**
     * A held session came due (an entry of a release before its claim: held sessions get none).
     * If its holder's node still lives, the entry leaves the index; if the node is gone, the session ends now (its client has been away at least as
     * long as a disconnect delay) and is heard of.
     */
    private CompletionStage<Boolean> checkHolder(SessionKey key, String holder,
            Map<String, CompletionStage<NodePresence.NodeProcess>> nodeProcesses, long notBefore) {
        ReceiverId receiver = ReceiverId.decode(holder);
        String node = receiver.nodeId();
        // One lookup per node a sweep meets (polling sessions bring a new receiver each poll), judged
        // per receiver: a node restarted under the same id is alive, its predecessor's receivers are not.
        return nodeProcesses.computeIfAbsent(node, presence::process).thenCompose(process -> {
            if (process.mayHold(receiver)) {
                return CompletableFuture.completedFuture(true);
            }
            return expire(key, holder, notBefore).thenCompose(result -> {
                if ((Long) result.get(0) == ENDED_OPEN) {
                    LOG.info("{} ended: its receiver {} was on node {}, which is gone", key, holder, node);
                }
                return conclude(key, result);
            });
        });
    }

    /**
     * Ends {@code key} if a receiver that {@code deadHolder} names (the encoded receiver id of a
     * process the caller found dead) still holds it, and notifies its expiry; completes with whether
     * it ended. A session another receiver holds now is left alone; a released one ends only if its
     * deadline passed, else it gets that deadline in the index (its release's entry may be missing).
     * Its calls go in the pipeline's background lane: the node's own claims and releases go first.
     * A session found gone whose end the dead node made but never heard answered (its end-owed
     * mark is left: {@link SessionEnds}) ended too, and is notified; {@code heardOf}: the caller
     * told the listener of it already (a late takeover tells of every session found gone).
     */
    CompletionStage<Boolean> takeOver(SessionKey key, Predicate<String> deadHolder, boolean heardOf) {
        return expireBehind(key, "").thenCompose(result -> {
            long code = (Long) result.get(0);
            if (code > 0) {
                // Released, not due yet: its release's index entry may never have reached Redis (the
                // node died first, or it failed past the stall bound), and a held session has none
                // of its own to fall back on since issue 16. A repeat ZADD is harmless.
                return keep(key, clock.now() + code);
            }
            if (code != HELD) {
                boolean ended = code == ENDED_OPEN || code == END_OWED;
                if (ended && !heardOf) {
                    notifyExpired(key);
                }
                return CompletableFuture.completedFuture(ended);
            }
            String holder = (String) result.get(1);
            if (!deadHolder.test(holder)) {
                return CompletableFuture.completedFuture(false);
            }
            return expireBehind(key, holder).thenApply(ended -> {
                boolean open = (Long) ended.get(0) == ENDED_OPEN;
                if (open) {
                    notifyExpired(key);
                }
                return open;
            });
        });
    }

    /** Acts on expire.lua's answer (other than the first "held"): notify, or look again later. */
    private CompletionStage<Boolean> conclude(SessionKey key, List<Object> result) {
        long code = (Long) result.get(0);
        if (code == HELD) {
            // Another receiver took the slot since: its node's roster entry covers it now.
            return CompletableFuture.completedFuture(true);
        }
        if (code > 0) {
            // Not due by its master's clock yet (a Cluster's masters' clocks differ): look again when it is.
            return keep(key, clock.now() + code);
        }
        if (code == ENDED_OPEN) {
            notifyExpired(key);
        }
        return CompletableFuture.completedFuture(true);
    }

    /**
     * Starts {@code key}'s disconnect delay again if the answer of the release that started it came
     * more than {@link #LATE_ANSWER} after it was sent (rearm.lua): Redis may have run the release
     * and then stalled, so its deadline ran while the client still waited for the answer. Completes
     * once the deadline is moved (the caller answers its client only then), at once otherwise.
     * The index entry stays as the caller set it: should it come due first, expire.lua finds the
     * later deadline and the entry gets it. Sent again while unanswered (a second stall, or the
     * first one's end on a Cluster), as the release was: rearm.lua only moves the deadline later,
     * and answering the client 503 now would drop what its release acknowledged.
     */
    CompletionStage<Void> rearmIfLate(SessionKey key, long sentAtMillis, long delayMillis, long marginMillis) {
        long late = clock.now() - sentAtMillis;
        if (late <= LATE_ANSWER.toMillis()) {
            return CompletableFuture.completedFuture(null);
        }
        return unknown.resolve("rearm " + key, () -> pipeline.<Long>submit(scripts.rearm, RScript.ReturnType.LONG,
                keys.sessionKeys(key), delayMillis, marginMillis)).thenApply(deadline -> {
                    // DEBUG: after a stall, one line per session released during it.
                    LOG.debug("{} released, answered after {} ms: disconnect delay started again (deadline {})", key,
                            late, deadline);
                    return (Void) null;
                });
    }

    private CompletionStage<Boolean> keep(SessionKey key, long dueMillis) {
        return index.add(key, dueMillis).thenApply(added -> false);
    }

    /**
     * Through the pipeline: a sweep's due sessions are checked together, calls that would otherwise
     * each take one of the Redis client's connections while a reconnect storm's claims and look-ups
     * wait behind them.
     *
     * @param notBefore ms (Redis's clock) before which the session may not end, or 0
     */
    private CompletionStage<List<Object>> expire(SessionKey key, String deadHolder, long notBefore) {
        return pipeline.submit(scripts.expire, RScript.ReturnType.LIST, keys.sessionKeys(key), deadHolder, notBefore,
                claimGraceMillis);
    }

    /**
     * expire.lua in the pipeline's background lane: a dead node's sessions are ended by the
     * hundred (NodeRoster), and the node's own traffic goes first.
     */
    private CompletionStage<List<Object>> expireBehind(SessionKey key, String deadHolder) {
        return pipeline.submitBackground(scripts.expire, RScript.ReturnType.LIST,
                List.of(keys.session(key), keys.queue(key), keys.endOwed(key)), deadHolder, 0, claimGraceMillis);
    }

    /** Whether the application listens for expiries yet (it sets its listener after the start). */
    boolean listening() {
        return listener.get() != null;
    }

    void notifyExpired(SessionKey key) {
        SessionExpiryListener current = listener.get();
        if (current == null) {
            return;
        }
        try {
            current.expired(key);
        } catch (RuntimeException e) {
            LOG.warn("{} expiry listener failed", key, e);
        }
    }
}

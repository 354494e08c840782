package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RScoredSortedSetAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends released sessions whose disconnect delay passed, and held sessions whose holder's node
 * died, on whichever node gets to them first. A release adds the session to the expiry index
 * with its deadline; a holding node keeps its sessions' index entries ahead of now as it renews
 * their TTL (see {@link HoldKeeper}), so only the sessions of a node that stopped renewing come
 * due while held. Every node pops due members atomically (expiry_pop.lua), so each is checked by
 * one node only; expire.lua ends the session only if nobody (alive) holds it and its deadline
 * (by Redis's clock) passed. That node notifies the listener. A node that dies between the pop
 * and the check loses that notice (the keys still expire by TTL).
 */
final class ExpirySweeper {

    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
    private static final int BATCH = 100;
    /** Longer than any session lives without a node renewing or sweeping it. */
    private static final Duration INDEX_TTL = Duration.ofHours(1);
    private static final long HELD = -2;
    private static final long ENDED_OPEN = -4;

    private final PlainCommands commands;
    private final RScriptAsync script;
    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final RScoredSortedSetAsync<String> index;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final Supplier<SessionExpiryListener> listener;
    private final NodePresence presence;
    private final Duration heldRecheck;
    private volatile boolean stopped;
    private volatile String problem;

    /**
     * @param heldRecheck when to look again at a held session whose node still lives but did not
     *     renew it in time
     */
    ExpirySweeper(RScriptAsync script, LuaScripts scripts, PlainCommands commands, RedisKeys keys, RScoredSortedSetAsync<String> index,
            ScheduledExecutorService timer, Duration interval, Supplier<SessionExpiryListener> listener,
            NodePresence presence, Duration heldRecheck) {
        this.presence = presence;
        this.commands = commands;
        this.heldRecheck = heldRecheck;
        this.script = script;
        this.scripts = scripts;
        this.keys = keys;
        this.index = index;
        this.timer = timer;
        this.interval = interval;
        this.listener = listener;
    }

    void start() {
        schedule();
    }

    void stop() {
        stopped = true;
    }

    /**
     * When a held session's index entry comes due if its node stops renewing it: two renewal
     * periods from now, well before its keys' TTL (three periods) runs out.
     */
    long heldDeadline() {
        return System.currentTimeMillis() + 2 * heldRecheck.toMillis();
    }

    /** Notes that {@code key} was released and ends at {@code deadlineMillis} (this node's clock). */
    CompletableFuture<Boolean> track(SessionKey key, long deadlineMillis) {
        return commands.<Boolean>timed("zadd", () -> index.addAsync(deadlineMillis, RedisKeys.expiryMember(key)))
                .toCompletableFuture();
    }

    private void schedule() {
        if (!stopped) {
            timer.schedule(this::sweep, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void sweep() {
        if (stopped) {
            return;
        }
        List<Object> indexKey = List.of(keys.expiryIndex());
        long now = System.currentTimeMillis();
        scripts.expiryPop.<List<Object>>eval(script, RScript.ReturnType.LIST, indexKey, now, BATCH,
                        INDEX_TTL.toMillis())
                .thenCompose(due -> {
                    Map<String, CompletionStage<Boolean>> liveNodes = new ConcurrentHashMap<>();
                    return CompletableFuture.allOf(due.stream()
                            .map(member -> check((String) member, liveNodes))
                            .toArray(CompletableFuture[]::new)).thenApply(done -> due.size());
                })
                // Each sweep also checks this node's presence subscription, for the health check.
                .thenCompose(count -> presence.checkOwn().thenApply(up -> count))
                .whenComplete((count, error) -> {
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
                    if (count == BATCH && !stopped) {
                        timer.execute(this::sweep);
                    } else {
                        schedule();
                    }
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

    private CompletableFuture<Void> check(String member, Map<String, CompletionStage<Boolean>> liveNodes) {
        SessionKey key = RedisKeys.parseExpiryMember(member);
        return expire(key, "").thenCompose(result -> {
            long code = (Long) result.get(0);
            if (code == HELD) {
                return checkHolder(key, (String) result.get(1), liveNodes);
            }
            if (code > 0) {
                // Not due by Redis's clock yet (clocks differ): look again when it is.
                return track(key, System.currentTimeMillis() + code).thenApply(added -> (Void) null);
            }
            if (code == ENDED_OPEN) {
                notifyExpired(key);
            }
            return CompletableFuture.completedFuture((Void) null);
        }).toCompletableFuture();
    }

    /**
     * A held session came due: its holder's node stopped renewing it. If that node still lives,
     * look again later; if it is gone, the session ends now (its client has been away at least as
     * long as a disconnect delay) and is heard of.
     */
    private CompletionStage<Void> checkHolder(SessionKey key, String holder,
            Map<String, CompletionStage<Boolean>> liveNodes) {
        String node = ReceiverId.decode(holder).nodeId();
        return liveNodes.computeIfAbsent(node, presence::isAlive).thenCompose(alive -> {
            if (alive) {
                return track(key, System.currentTimeMillis() + heldRecheck.toMillis()).thenApply(added -> (Void) null);
            }
            return expire(key, holder).thenApply(result -> {
                if ((Long) result.get(0) == ENDED_OPEN) {
                    LOG.info("{} ended: its receiver {} was on node {}, which is gone", key, holder, node);
                    notifyExpired(key);
                }
                return (Void) null;
            });
        });
    }

    private CompletionStage<List<Object>> expire(SessionKey key, String deadHolder) {
        return scripts.expire.eval(script, RScript.ReturnType.LIST, keys.sessionKeys(key), deadHolder);
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

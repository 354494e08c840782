package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RScoredSortedSetAsync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends released sessions whose disconnect delay passed, on whichever node gets to them first.
 * A release adds the session to the expiry index; every node pops due members atomically
 * (expiry_pop.lua), so each is checked by one node only, and expire.lua ends the session only if
 * nobody holds it and its deadline (by Redis's clock) passed. That node notifies the listener.
 * A node that dies between the pop and the check loses that notice (the keys still expire).
 */
final class ExpirySweeper {

    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);
    private static final int BATCH = 100;
    private static final long GONE = -1;
    private static final long ENDED_OPEN = -4;

    private final RScriptAsync script;
    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final RScoredSortedSetAsync<String> index;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final Supplier<SessionExpiryListener> listener;
    private volatile boolean stopped;
    private volatile String problem;

    ExpirySweeper(RScriptAsync script, LuaScripts scripts, RedisKeys keys, RScoredSortedSetAsync<String> index,
            ScheduledExecutorService timer, Duration interval, Supplier<SessionExpiryListener> listener) {
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

    /** Notes that {@code key} was released and ends at {@code deadlineMillis} (this node's clock). */
    CompletableFuture<Boolean> track(SessionKey key, long deadlineMillis) {
        return index.addAsync(deadlineMillis, RedisKeys.expiryMember(key)).toCompletableFuture();
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
        scripts.expiryPop.<List<Object>>eval(script, RScript.ReturnType.LIST, indexKey, System.currentTimeMillis(), BATCH)
                .thenCompose(due -> CompletableFuture.allOf(due.stream()
                        .map(member -> check((String) member))
                        .toArray(CompletableFuture[]::new)).thenApply(done -> due.size()))
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
        return problem;
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private CompletableFuture<Void> check(String member) {
        SessionKey key = RedisKeys.parseExpiryMember(member);
        return scripts.expire.<Long>eval(script, RScript.ReturnType.LONG, keys.sessionKeys(key))
                .thenCompose(result -> {
                    if (result == ENDED_OPEN) {
                        notifyExpired(key);
                    } else if (result > 0) {
                        // Not due by Redis's clock yet (clocks differ): look again when it is.
                        return track(key, System.currentTimeMillis() + result).thenApply(added -> (Void) null);
                    } else if (result != GONE) {
                        LOG.trace("{} not expired: {}", key, result);
                    }
                    return CompletableFuture.completedFuture((Void) null);
                }).toCompletableFuture();
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

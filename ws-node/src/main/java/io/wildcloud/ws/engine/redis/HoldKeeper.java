package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the TTL of every session this node holds, every third of the hold TTL: one touch.lua call
 * per group of sessions (all of them on one Redis; those of one slot on a Cluster), the calls
 * of a renewal sent in batches, one after the other ({@link ScriptPipeline#runBeside}): on a
 * Cluster they are one per occupied slot (up to 16,384; 19,000 sockets fill ~11,000), and 19,000
 * sent one by one, one per socket, took every pooled connection from the node's connects, which then
 * failed. Since touch.lua checks the holder, it also evicts
 * the receivers whose slot another node took (this node was judged dead while it had lost Redis)
 * or whose session is gone. It also lists them as this node's in the {@link NodeRoster}. Also run at once when the node's connection to Redis comes back.
 */
final class HoldKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(HoldKeeper.class);
    private static final long HELD = 1;

    private final ScriptPipeline pipeline;
    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final Function<SessionKey, String> group;
    private final Supplier<List<HeldReceiver>> held;
    private final Supplier<List<SessionKey>> releasing;
    private final ExpirySweeper sweeper;
    private final NodeRoster roster;
    private final ScheduledExecutorService timer;
    private final Duration holdTtl;
    private final BooleanSupplier clientUsable;
    private final AtomicBoolean retrying = new AtomicBoolean();
    /**
     * When (System.nanoTime()) the renewal in flight started, 0 if none: a renewal touches every held
     * session, and a slow store got them piled up. One unanswered for a hold TTL no longer counts.
     */
    private final AtomicLong renewingSince = new AtomicLong();
    private volatile boolean stopped;

    /**
     * @param group names the group a session may be renewed with (one script call; on a Cluster
     *     they must share a slot)
     * @param releasing sessions whose release Redis left unanswered ({@link PendingReleases}): still
     *     listed as held, so that a node that dies before Redis answers leaves them to its taker
     * @param clientUsable whether the Redis client still sends commands (not shutting down)
     */
    HoldKeeper(ScriptPipeline pipeline, LuaScripts scripts, RedisKeys keys, Function<SessionKey, String> group,
            Supplier<List<HeldReceiver>> held, Supplier<List<SessionKey>> releasing, ExpirySweeper sweeper, NodeRoster roster, ScheduledExecutorService timer,
            Duration holdTtl,
            BooleanSupplier clientUsable) {
        this.pipeline = pipeline;
        this.scripts = scripts;
        this.keys = keys;
        this.group = group;
        this.held = held;
        this.releasing = releasing;
        this.sweeper = sweeper;
        this.roster = roster;
        this.timer = timer;
        this.holdTtl = holdTtl;
        this.clientUsable = clientUsable;
    }

    void start() {
        long period = holdTtl.toMillis() / 3;
        timer.scheduleWithFixedDelay(this::renewQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
    }

    private void renewQuietly() {
        // A client that is shutting down fails every command: nothing to renew with.
        if (stopped || !clientUsable.getAsBoolean()) {
            return;
        }
        long now = System.nanoTime();
        long since = renewingSince.get();
        if (since != 0 && now - since < holdTtl.toNanos()) {
            return;
        }
        if (renewingSince.compareAndSet(since, now)) {
            renew().whenComplete((done, error) -> renewingSince.compareAndSet(now, 0));
        }
    }

    /** Renews and checks every held slot now; completes when the answers are in. */
    CompletableFuture<Void> renew() {
        if (stopped) {
            return CompletableFuture.completedFuture(null);
        }
        List<HeldReceiver> receivers = new ArrayList<>(held.get());
        receivers.removeIf(HeldReceiver::isEnded);
        if (receivers.isEmpty()) {
            return roster.heldNow(releasing.get()).exceptionally(error -> null);
        }
        List<CompletableFuture<?>> calls = new ArrayList<>(touch(
                ScriptCalls.split(receivers, receiver -> group.apply(receiver.key()))));
        List<SessionKey> sessions = new ArrayList<>(receivers.size());
        receivers.forEach(receiver -> sessions.add(receiver.key()));
        sessions.addAll(releasing.get());
        // List them for a takeover within seconds should this node die (NodeRoster): held sessions
        // have no expiry index entries, the roster's takeover is their cover.
        calls.add(roster.heldNow(sessions));
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).handle((done, error) -> {
            if (error != null) {
                LOG.warn("renewing held sessions failed, next try in {}: {}", retryDelay(), error.toString());
                retrySoon();
            }
            return null;
        });
    }

    /**
     * A failed renewal goes again soon, not a renewal period later: a store that is slow or whose
     * connections are all taken (Redisson's "Unable to acquire connection") for a while must not
     * let the held sessions' keys lapse once it answers again.
     */
    private void retrySoon() {
        if (retrying.compareAndSet(false, true)) {
            try {
                timer.schedule(() -> {
                    retrying.set(false);
                    renewQuietly();
                }, retryDelay().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                retrying.set(false);
            }
        }
    }

    /** A thirtieth of the hold TTL (2 s by default), at least 1 s, at most a renewal period. */
    private Duration retryDelay() {
        long millis = Math.max(1000, holdTtl.toMillis() / 30);
        return Duration.ofMillis(Math.min(millis, holdTtl.toMillis() / 3));
    }

    /**
     * One touch.lua call per group of {@code calls}, in bounded batches; evicts the receivers that no
     * longer hold their slot.
     */
    private List<CompletableFuture<Void>> touch(List<List<HeldReceiver>> calls) {
        List<List<Object>> callKeys = new ArrayList<>(calls.size());
        List<Object[]> callArgs = new ArrayList<>(calls.size());
        for (List<HeldReceiver> receivers : calls) {
            List<Object> sessionKeys = new ArrayList<>(receivers.size() * 2);
            Object[] args = new Object[receivers.size() + 1];
            args[0] = holdTtl.toMillis();
            for (int i = 0; i < receivers.size(); i++) {
                sessionKeys.add(keys.session(receivers.get(i).key()));
                sessionKeys.add(keys.queue(receivers.get(i).key()));
                args[i + 1] = receivers.get(i).receiverId();
            }
            callKeys.add(sessionKeys);
            callArgs.add(args);
        }
        // runBeside bounds its batches and sends them one after the other: batches sent together
        // (25 of 4,096 for 100,000 sockets) timed out by the thousands on a 3-master Cluster.
        List<CompletableFuture<Object>> answers = pipeline.runBeside(scripts.touch, RScript.ReturnType.LIST,
                callKeys, callArgs);
        List<CompletableFuture<Void>> evictions = new ArrayList<>(calls.size());
        for (int c = 0; c < calls.size(); c++) {
            List<HeldReceiver> receivers = calls.get(c);
            evictions.add(answers.get(c).thenAccept(answer -> {
                List<?> perSession = (List<?>) answer;
                for (int i = 0; i < receivers.size(); i++) {
                    if (!(perSession.get(i) instanceof Long held) || held != HELD) {
                        receivers.get(i).evict();
                    }
                }
            }));
        }
        return evictions;
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Gathers this node's acknowledgements for {@code window} and sends them as one acknowledge.lua
 * call per group of sessions (the whole node on one Redis; one scope, so one slot, on a Cluster),
 * keeping only the highest seq per receiver. A websocket that receives a message a second would
 * otherwise cost Redis one script call per message.
 *
 * <p>Nothing is lost by waiting: an acknowledgement only trims what its receiver wrote, and only
 * while that receiver holds the slot (the script checks), so one that arrives after a release or a
 * takeover changes nothing; a release takes the pending one over ({@link #takePending}). Each
 * caller's stage completes when the call that carried its seq answered.
 */
final class AcknowledgementBatcher {

    /** acknowledge.lua's answer for a receiver that no longer holds its slot. */
    static final long EVICTED = 0;

    /** Sends one group: session keys and receivers with seqs; answers one code per session. */
    interface Sender {
        CompletionStage<List<Object>> send(List<Object> keys, Object[] args);
    }

    /** The receiver whose acknowledgement answered {@link #EVICTED}: it lost its slot. */
    interface EvictionListener {
        void evicted(SessionKey key, String receiverId);
    }

    private record Target(SessionKey key, String receiverId) {
    }

    private static final class Pending {
        long seq;
        final List<CompletableFuture<Void>> waiters = new ArrayList<>(1);
    }

    private final RedisKeys keys;
    private final Function<SessionKey, String> group;
    private final Sender sender;
    private final EvictionListener evictions;
    private final ScheduledExecutorService timer;
    private final long windowNanos;
    private Map<Target, Pending> pending = new LinkedHashMap<>();
    private boolean scheduled;

    /**
     * @param group names the group a session's acknowledgement may travel with (sessions of one
     *     group share a script call, so on a Cluster they must share a slot)
     */
    AcknowledgementBatcher(RedisKeys keys, Function<SessionKey, String> group, Sender sender,
            EvictionListener evictions, ScheduledExecutorService timer, Duration window) {
        this.keys = keys;
        this.group = group;
        this.sender = sender;
        this.evictions = evictions;
        this.timer = timer;
        this.windowNanos = window.toNanos();
    }

    /** Acknowledges up to {@code seq} for {@code receiverId} with the next call. */
    CompletionStage<Void> acknowledge(SessionKey key, String receiverId, long seq) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean flushNow = false;
        synchronized (this) {
            Pending entry = pending.computeIfAbsent(new Target(key, receiverId), target -> new Pending());
            entry.seq = Math.max(entry.seq, seq);
            entry.waiters.add(done);
            if (pending.size() >= ScriptCalls.MAX_SESSIONS) {
                flushNow = true;
            } else if (!scheduled) {
                try {
                    timer.schedule(this::flush, windowNanos, TimeUnit.NANOSECONDS);
                    scheduled = true;
                } catch (RejectedExecutionException stopping) {
                    // The store is closing: send at once (it fails if Redis is gone too).
                    flushNow = true;
                }
            }
        }
        if (flushNow) {
            flush();
        }
        return done;
    }

    /**
     * Removes what {@code receiverId} has pending for {@code key}, for a release that acknowledges
     * in its own script: answers the highest seq pending (0 if none) and the stages to complete
     * once the release is done.
     */
    synchronized PendingAcknowledgement takePending(SessionKey key, String receiverId) {
        Pending entry = pending.remove(new Target(key, receiverId));
        return entry == null ? PendingAcknowledgement.NONE : new PendingAcknowledgement(entry.seq, entry.waiters);
    }

    /** A release's share of what was pending. */
    record PendingAcknowledgement(long seq, List<CompletableFuture<Void>> waiters) {
        static final PendingAcknowledgement NONE = new PendingAcknowledgement(0, List.of());

        /** Completes the waiters as the release did. */
        void settle(Throwable error) {
            waiters.forEach(waiter -> complete(waiter, error));
        }
    }

    /** Sends everything pending now. */
    void flush() {
        Map<Target, Pending> taken;
        synchronized (this) {
            scheduled = false;
            if (pending.isEmpty()) {
                return;
            }
            taken = pending;
            pending = new LinkedHashMap<>();
        }
        for (List<Map.Entry<Target, Pending>> call : ScriptCalls.split(taken.entrySet(),
                entry -> group.apply(entry.getKey().key()))) {
            send(call);
        }
    }

    private void send(List<Map.Entry<Target, Pending>> batch) {
        List<Object> scriptKeys = new ArrayList<>(batch.size() * 2);
        Object[] args = new Object[batch.size() * 2];
        for (int i = 0; i < batch.size(); i++) {
            Target target = batch.get(i).getKey();
            scriptKeys.add(keys.session(target.key()));
            scriptKeys.add(keys.queue(target.key()));
            args[2 * i] = target.receiverId();
            args[2 * i + 1] = batch.get(i).getValue().seq;
        }
        sender.send(scriptKeys, args).whenComplete((answers, error) -> {
            for (int i = 0; i < batch.size(); i++) {
                Target target = batch.get(i).getKey();
                if (error == null && answers.get(i) instanceof Long answer && answer == EVICTED) {
                    evictions.evicted(target.key(), target.receiverId());
                }
                batch.get(i).getValue().waiters.forEach(waiter -> complete(waiter, error));
            }
        });
    }

    private static void complete(CompletableFuture<Void> waiter, Throwable error) {
        if (error != null) {
            waiter.completeExceptionally(error);
        } else {
            waiter.complete(null);
        }
    }
}

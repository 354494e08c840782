package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.edge.LoopHandoffs;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.api.RTopic;
import org.redisson.api.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's one wake-up channel ({@link RedisKeys#wakeChannel}) and the receivers it holds. The
 * scripts publish a session's wake-up on the channel of the node its hash names as holder, so a
 * node subscribes once, at start, whatever the number of sessions it holds, and a claim that
 * makes this node the holder needs no subscription of its own.
 *
 * <p>Nothing is lost across a lost subscription: Redisson subscribes again once it has
 * reconnected, and then every held receiver reads its queue ({@link HeldReceiver#catchUp}); a
 * claim that ran around a resubscription finds {@link #subscriptions()} changed and catches up
 * too. A wake-up published between a claim's script and the receiver's registration would find
 * no receiver: so while a claim of a session is in progress, wake-ups for it are noted in a
 * {@link ClaimWatch}, which the claim reads after registering.
 */
final class NodeWakeups {

    private static final Logger LOG = LoggerFactory.getLogger(NodeWakeups.class);

    private final RTopic topic;
    private final PlainCommands commands;
    private final String nodeId;
    private final ConcurrentHashMap<SessionKey, HeldReceiver> held = new ConcurrentHashMap<>();
    /** Receivers forgotten for a release still on its way: their slot is still theirs in Redis. */
    private final ConcurrentHashMap<SessionKey, String> releasing = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SessionKey, ClaimWatch> claiming = new ConcurrentHashMap<>();
    /** How often Redis confirmed the subscription: 1 after start, more after each reconnection. */
    private final AtomicInteger subscriptions = new AtomicInteger();

    /** @param topic the node's wake-up channel, plain pub/sub (also on a Cluster), byte[] codec */
    NodeWakeups(RTopic topic, PlainCommands commands, String nodeId) {
        this.topic = topic;
        this.commands = commands;
        this.nodeId = nodeId;
    }

    /** Subscribes to the node's channel; completes once Redis confirmed it. */
    CompletionStage<Void> start() {
        StatusListener resubscriptions = new StatusListener() {
            @Override
            public void onSubscribe(String channel) {
                if (subscriptions.incrementAndGet() > 1) {
                    LOG.info("node {} resubscribed to its wake-up channel: {} held session(s) read their queues",
                            nodeId, held.size());
                    held.values().forEach(HeldReceiver::catchUp);
                }
            }

            @Override
            public void onUnsubscribe(String channel) {
            }
        };
        // The first listener subscribes (the command metered); the second joins it.
        CompletionStage<Integer> status = commands.subscription("subscribe",
                () -> topic.addListenerAsync(resubscriptions));
        CompletionStage<Integer> messages = topic.addListenerAsync(byte[].class,
                (channel, payload) -> onWakeup(payload));
        return status.thenCombine(messages, (statusId, messagesId) -> null);
    }

    /** How many times the subscription was confirmed so far; a claim that sees it change catches up. */
    int subscriptions() {
        return subscriptions.get();
    }

    /** 1 while subscribed (confirmed at least once), for metrics. */
    int subscribedCount() {
        return subscriptions.get() > 0 ? 1 : 0;
    }

    private void onWakeup(byte[] payload) {
        // One payload names many sessions (one per script run's target): one loop task per loop.
        try (LoopHandoffs.Scope handoffs = LoopHandoffs.gather()) {
            onWakeups(payload);
        }
    }

    private void onWakeups(byte[] payload) {
        int at = 0;
        while (at < payload.length) {
            Wakeup wakeup;
            int next;
            try {
                wakeup = Wakeup.read(payload, at);
                next = wakeup.end();
            } catch (IllegalArgumentException e) {
                LOG.warn("node {} ignoring a malformed wake-up at byte {} of {}: {}", nodeId, at, payload.length,
                        e.getMessage());
                return;
            }
            onWakeup(wakeup);
            at = next;
        }
    }

    private void onWakeup(Wakeup wakeup) {
        SessionKey key = wakeup.session();
        ClaimWatch watch = claiming.get(key);
        if (watch != null) {
            watch.announce(wakeup.lastSeq());
        }
        // Read after the watch was written: a claim registers before it reads its watch.
        HeldReceiver receiver = held.get(key);
        if (receiver == null) {
            return;
        }
        if (wakeup.isClose()) {
            receiver.onClose(wakeup.lastSeq(), wakeup.closeFrame());
        } else {
            receiver.onMessages(wakeup.firstSeq(), wakeup.messages());
        }
    }

    /** Notes wake-ups for {@code key} from now until {@link #unwatch}: a claim of it is under way. */
    ClaimWatch watch(SessionKey key) {
        return claiming.compute(key, (k, watch) -> {
            ClaimWatch w = watch == null ? new ClaimWatch() : watch;
            w.claims++;
            return w;
        });
    }

    void unwatch(SessionKey key) {
        claiming.computeIfPresent(key, (k, watch) -> --watch.claims == 0 ? null : watch);
    }

    /** Registers a receiver that now holds its slot; returns the one it replaced, if any. */
    HeldReceiver register(HeldReceiver receiver) {
        return held.put(receiver.key(), receiver);
    }

    /** The receiver of {@code key} registered here, or null. */
    HeldReceiver held(SessionKey key) {
        return held.get(key);
    }

    /**
     * Forgets the receiver {@code receiverId} of {@code key} if it is registered here: it released
     * its slot, was evicted, or its session ended. No further calls reach it.
     */
    void forget(SessionKey key, String receiverId) {
        HeldReceiver receiver = held.get(key);
        if (receiver != null && receiver.receiverId().equals(receiverId)) {
            receiver.end();
            held.remove(key, receiver);
        }
    }

    /**
     * Forgets the receiver as {@link #forget} does, and counts it as still holding its slot until
     * {@link #released}: a poll releases after its answer is written, so its client's next poll
     * may reach this node first, and must find it busy (a takeover would give the answer again).
     */
    void releasing(SessionKey key, String receiverId) {
        forget(key, receiverId);
        releasing.put(key, receiverId);
    }

    /** The release of {@code receiverId} was answered (or failed for good). */
    void released(SessionKey key, String receiverId) {
        releasing.remove(key, receiverId);
    }

    /** Whether {@code receiverId} of {@code key} is registered here, or its release is on its way. */
    boolean holds(SessionKey key, String receiverId) {
        HeldReceiver receiver = held.get(key);
        return receiver != null && !receiver.isEnded() && receiver.receiverId().equals(receiverId)
                || receiverId.equals(releasing.get(key));
    }

    /** Forgets whichever receiver of {@code key} is registered here (its session was deleted). */
    void forgetAny(SessionKey key) {
        HeldReceiver receiver = held.remove(key);
        if (receiver != null) {
            receiver.end();
        }
    }

    /** The store found that {@code receiverId} lost its slot: tell it (it is forgotten then). */
    void evict(SessionKey key, String receiverId) {
        HeldReceiver receiver = held.get(key);
        if (receiver != null && receiver.receiverId().equals(receiverId)) {
            receiver.evict();
        }
    }

    /** Every receiver this node holds, for the periodic TTL renewal. */
    List<HeldReceiver> allHeld() {
        return new ArrayList<>(held.values());
    }

    /** Ends the subscription (the store closes). */
    void stop() {
        commands.subscription("unsubscribe", topic::removeAllListenersAsync);
    }

    /** Wake-ups noted for a session while a claim of it runs on this node. */
    static final class ClaimWatch {
        private volatile long announced = -1;
        /** Guarded by the map's compute. */
        private int claims;

        void announce(long seq) {
            if (seq > announced) {
                announced = seq;
            }
        }

        /** The highest seq a wake-up named during the claim, or -1. */
        long announced() {
            return announced;
        }
    }
}

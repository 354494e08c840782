package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.redisson.api.RTopic;
import org.redisson.api.listener.StatusListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's subscriptions to scope channels, one per scope it holds receivers of, counted by
 * reference. A subscription is made before a claim's script runs, so a wake-up for the claimed
 * session cannot be published unseen; it is dropped only {@code linger} after its last use.
 */
final class ScopeChannels {

    private static final Logger LOG = LoggerFactory.getLogger(ScopeChannels.class);

    private final Function<String, RTopic> topics;
    private final PlainCommands commands;
    private final ScheduledExecutorService timer;
    private final Duration linger;
    private final Map<String, ScopeChannel> channels = new HashMap<>();

    /** @param topics makes the topic (sharded or not, byte[] codec) of a scope */
    ScopeChannels(Function<String, RTopic> topics, PlainCommands commands, ScheduledExecutorService timer,
            Duration linger) {
        this.topics = topics;
        this.commands = commands;
        this.timer = timer;
        this.linger = linger;
    }

    /** Takes a reference on the scope's channel; completes once the subscription is confirmed. */
    CompletionStage<ScopeChannel> acquire(String scope) {
        ScopeChannel channel;
        boolean subscribe = false;
        synchronized (this) {
            channel = channels.get(scope);
            if (channel == null || channel.subscribed.isCompletedExceptionally()) {
                channel = new ScopeChannel(scope, topics.apply(scope));
                channels.put(scope, channel);
                subscribe = true;
            }
            channel.references++;
            if (channel.linger != null) {
                channel.linger.cancel(false);
                channel.linger = null;
            }
        }
        if (subscribe) {
            subscribe(channel);
        }
        ScopeChannel acquired = channel;
        return channel.subscribed.handle((ok, error) -> {
            if (error != null) {
                release(acquired);
                throw new CompletionException(error);
            }
            return acquired;
        });
    }

    private void subscribe(ScopeChannel channel) {
        StatusListener subscriptions = new StatusListener() {
            @Override
            public void onSubscribe(String name) {
                channel.onSubscribed();
            }

            @Override
            public void onUnsubscribe(String name) {
            }
        };
        // The first listener subscribes (the command timed); the second joins it.
        CompletableFuture<Integer> status = commands.<Integer>timed("subscribe",
                () -> channel.topic.addListenerAsync(subscriptions)).toCompletableFuture();
        CompletableFuture<Integer> messages = channel.topic
                .addListenerAsync(byte[].class, (name, payload) -> channel.onWakeup(payload)).toCompletableFuture();
        status.thenCombine(messages, (statusId, messageId) -> {
            synchronized (this) {
                channel.statusListenerId = statusId;
                channel.listenerId = messageId;
            }
            return null;
        }).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("scope {} subscription failed: {}", LogTag.of(channel.scope), StoreErrors.redacted(error.toString()));
                synchronized (this) {
                    channels.remove(channel.scope, channel);
                }
                removeListeners(channel);
                channel.subscribed.completeExceptionally(error);
            } else {
                channel.subscribed.complete(null);
            }
        });
    }

    /** How many scope channels this node is subscribed to now (confirmed by Redis), for metrics. */
    synchronized int subscribedCount() {
        int count = 0;
        for (ScopeChannel channel : channels.values()) {
            if (channel.subscribed.isDone() && !channel.subscribed.isCompletedExceptionally()) {
                count++;
            }
        }
        return count;
    }

    /** Gives back a reference; the last one schedules the unsubscription. */
    void release(ScopeChannel channel) {
        synchronized (this) {
            if (--channel.references > 0 || channels.get(channel.scope) != channel) {
                return;
            }
            channel.linger = timer.schedule(() -> unsubscribeIfUnused(channel), linger.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void unsubscribeIfUnused(ScopeChannel channel) {
        synchronized (this) {
            if (channel.references > 0 || !channels.remove(channel.scope, channel)) {
                return;
            }
        }
        removeListeners(channel);
    }

    /**
     * Removes this channel object's own listeners by id (not all of the topic's: a newer
     * subscription to the same scope may already have added its own); Redisson unsubscribes when
     * none is left.
     */
    private void removeListeners(ScopeChannel channel) {
        List<Integer> ids = new ArrayList<>(2);
        synchronized (this) {
            if (channel.listenerId != null) {
                ids.add(channel.listenerId);
            }
            if (channel.statusListenerId != null) {
                ids.add(channel.statusListenerId);
            }
        }
        if (!ids.isEmpty()) {
            commands.timed("unsubscribe", () -> channel.topic.removeListenerAsync(ids.toArray(Integer[]::new)));
        }
    }

    /** The channel of {@code scope} if this node is subscribed or subscribing, else null. */
    synchronized ScopeChannel get(String scope) {
        return channels.get(scope);
    }

    /**
     * Forgets the receiver {@code receiverId} of {@code key} if it is registered here: it released
     * its slot, was evicted, or its session ended. No further calls reach it.
     */
    void forget(SessionKey key, String receiverId) {
        ScopeChannel channel = get(key.scope());
        HeldReceiver held = channel == null ? null : channel.held(key.sessionId());
        if (held != null && held.receiverId().equals(receiverId)) {
            held.end();
            if (channel.unregister(held)) {
                release(channel);
            }
        }
    }

    /** Forgets whichever receiver of {@code key} is registered here (its session was deleted). */
    void forgetAny(SessionKey key) {
        ScopeChannel channel = get(key.scope());
        HeldReceiver held = channel == null ? null : channel.held(key.sessionId());
        if (held != null) {
            forget(key, held.receiverId());
        }
    }

    /** The store found that {@code receiverId} lost its slot: tell it and forget it. */
    void evict(SessionKey key, String receiverId) {
        ScopeChannel channel = get(key.scope());
        HeldReceiver held = channel == null ? null : channel.held(key.sessionId());
        if (held != null && held.receiverId().equals(receiverId)) {
            held.evict();
        }
    }

    /** Every receiver this node holds, for the periodic TTL renewal. */
    synchronized List<HeldReceiver> allHeld() {
        List<HeldReceiver> all = new ArrayList<>();
        channels.values().forEach(channel -> all.addAll(channel.allHeld()));
        return all;
    }

    /** Ends every subscription at once (the store closes). */
    void closeAll() {
        List<ScopeChannel> all;
        synchronized (this) {
            all = new ArrayList<>(channels.values());
            channels.clear();
        }
        all.forEach(this::removeListeners);
    }
}

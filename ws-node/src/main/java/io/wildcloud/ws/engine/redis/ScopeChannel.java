package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.LogTag;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.redisson.api.RTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's subscription to one scope's wake-up channel and the receivers of that scope it
 * holds. Reference counted by {@link ScopeChannels}: a claim in progress or a held receiver keeps
 * it; it is left a while after the last one ends.
 *
 * <p>A wake-up published between a claim's script and the receiver's registration would find no
 * receiver: so while a claim of a session is in progress, wake-ups for it are also noted in a
 * {@link ClaimWatch}, which the claim reads after registering (and catches up if it missed any).
 */
final class ScopeChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ScopeChannel.class);

    final String scope;
    final RTopic topic;
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final ConcurrentHashMap<String, HeldReceiver> held = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ClaimWatch> claiming = new ConcurrentHashMap<>();

    /** Guarded by the owning {@link ScopeChannels}. */
    int references;
    ScheduledFuture<?> linger;
    Integer listenerId;
    Integer statusListenerId;

    ScopeChannel(String scope, RTopic topic) {
        this.scope = scope;
        this.topic = topic;
    }

    /** A wake-up arrived on the channel. */
    void onWakeup(byte[] payload) {
        Wakeup wakeup;
        try {
            wakeup = Wakeup.read(payload);
        } catch (IllegalArgumentException e) {
            LOG.warn("scope {} ignoring a malformed wake-up: {}", LogTag.of(scope), e.getMessage());
            return;
        }
        String sessionId = wakeup.sessionId();
        ClaimWatch watch = claiming.get(sessionId);
        if (watch != null) {
            watch.announce(wakeup.lastSeq());
        }
        // Read after the watch was written: a claim registers before it reads its watch.
        HeldReceiver receiver = held.get(sessionId);
        if (receiver == null) {
            return;
        }
        if (wakeup.isClose()) {
            receiver.onClose(wakeup.lastSeq(), wakeup.closeFrame());
        } else {
            receiver.onMessages(wakeup.firstSeq(), wakeup.messages());
        }
    }

    /** After every (re)subscription: wake-ups sent while not subscribed are lost, so re-read. */
    void onSubscribed() {
        held.values().forEach(HeldReceiver::catchUp);
    }

    ClaimWatch watch(String sessionId) {
        return claiming.compute(sessionId, (id, watch) -> {
            ClaimWatch w = watch == null ? new ClaimWatch() : watch;
            w.claims++;
            return w;
        });
    }

    void unwatch(String sessionId) {
        claiming.computeIfPresent(sessionId, (id, watch) -> --watch.claims == 0 ? null : watch);
    }

    /** Registers a receiver that now holds its slot; returns the one it replaced, if any. */
    HeldReceiver register(HeldReceiver receiver) {
        return held.put(receiver.key().sessionId(), receiver);
    }

    /** Forgets {@code receiver} if it is still the registered one; whether it was. */
    boolean unregister(HeldReceiver receiver) {
        return held.remove(receiver.key().sessionId(), receiver);
    }

    HeldReceiver held(String sessionId) {
        return held.get(sessionId);
    }

    Collection<HeldReceiver> allHeld() {
        return held.values();
    }

    /** Wake-ups noted for a session while a claim of it runs on this node. */
    static final class ClaimWatch {
        private volatile long announced = -1;
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

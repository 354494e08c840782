package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.api.RScript;

/**
 * The session part of the {@link RedisEngine}: {@link SessionStore} on Redis, for nodes that
 * share sessions behind a balancer without sticky sessions. Every multi-step change is one Lua
 * script (src/main/resources/redis); keys and channels are named in {@link RedisKeys}. Receivers
 * on this node are woken on the node's one wake-up channel ({@link NodeWakeups}; messages inline,
 * see {@link Wakeup}), tracked by seq in {@link HeldReceiver}.
 *
 * <p>Round trips: enqueue is one EVALSHA (it also publishes); delivery needs none more unless a
 * wake-up was missed (one fetch); acknowledgements of all receivers of the node are gathered for
 * {@link RedisEngine#ACKNOWLEDGEMENT_WINDOW} and sent as one EVALSHA (per scope on a Cluster);
 * claim one EVALSHA, pipelined (a claim that holds the slot journals its session in it, {@link ClaimJournal}),
 * release one EVALSHA and one ZADD, sent together.
 * See the package documentation for the whole design.
 */
final class RedisSessionStore implements SessionStore {

    private static final long QUEUED = 0;
    private static final long NO_SESSION = 1;
    private static final long CLOSED = 2;

    private final RedisRuntime runtime;
    private final RedisKeys keys;
    private final LuaScripts scripts;
    private final SlotClaims claims;
    private final AcknowledgementBatcher acknowledgements;
    private final NodeWakeups wakeups;
    private final ExpirySweeper sweeper;
    private final AtomicReference<SessionExpiryListener> expiryListener;
    private final UnknownOutcomes unknown;
    private final PendingReleases pendingReleases;

    /**
     * @param expiryListener where the sweeper finds who hears of expired sessions
     * @param unknown sends a release again while Redis does not answer it
     * @param pendingReleases keeps sending a release that got no answer within the stall bound
     */
    RedisSessionStore(RedisRuntime runtime, SlotClaims claims, AcknowledgementBatcher acknowledgements,
            NodeWakeups wakeups, ExpirySweeper sweeper, AtomicReference<SessionExpiryListener> expiryListener,
            UnknownOutcomes unknown, PendingReleases pendingReleases) {
        this.runtime = runtime;
        this.keys = runtime.keys();
        this.scripts = runtime.scripts();
        this.claims = claims;
        this.acknowledgements = acknowledgements;
        this.wakeups = wakeups;
        this.sweeper = sweeper;
        this.expiryListener = expiryListener;
        this.unknown = unknown;
        this.pendingReleases = pendingReleases;
    }

    @Override
    public CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver) {
        return claims.claim(key, mode, creation, receiver)
                // A claim is a write (it may create the session): unanswered, it may still run.
                .exceptionallyCompose(error -> StoreErrors.failedWrite("claim " + key, error));
    }

    @Override
    public CompletionStage<Void> acknowledge(SessionKey key, ReceiverId receiver, long deliveredSeq) {
        return acknowledgements.acknowledge(key, receiver.encode(), deliveredSeq)
                .exceptionallyCompose(error -> StoreErrors.failed("acknowledge " + key, error));
    }

    @Override
    public CompletionStage<Void> release(SessionKey key, ReceiverId receiver, long deliveredSeq,
            Duration disconnectDelay) {
        wakeups.releasing(key, receiver.encode());
        // The release acknowledges in its own script: what was still waiting to be sent goes with it.
        AcknowledgementBatcher.PendingAcknowledgement pending = acknowledgements.takePending(key, receiver.encode());
        long delay = Math.max(1, disconnectDelay.toMillis());
        long upTo = Math.max(deliveredSeq, pending.seq());
        // Sent again while unanswered (a poll with messages releases after its answer, the others
        // before it): a release that ran is never taken for one that failed.
        long sentAt = runtime.clock().now();
        long sentAtNanos = System.nanoTime();
        long margin = runtime.config().expiryMargin().toMillis();
        CompletableFuture<Long> released = unknown.resolve("release " + key, () -> scripts.release.<Long>eval(
                        runtime.script(), RScript.ReturnType.LONG, keys.sessionKeys(key), receiver.encode(), upTo,
                        delay, margin))
                .toCompletableFuture();
        released.whenComplete((answer, error) -> {
            if (error == null) {
                wakeups.released(key, receiver.encode());
            }
            pending.settle(error);
        });
        // Sent again through a stall too (a ZADD; a late copy's earlier deadline is only a hint: expire.lua
        // reads the session's own), or the release would fail after the store had run it.
        long deadline = runtime.clock().now() + delay;
        CompletableFuture<Boolean> tracked = unknown.resolve("track " + key, () -> sweeper.track(key, deadline))
                .toCompletableFuture();
        // Unanswered within the stall bound, the slot may still be the receiver's: the node goes on
        // counting it as held and sends the release again until Redis answers (PendingReleases).
        // Forgotten, the slot answered BUSY to every other node until its keys lapsed unnoticed.
        CompletableFuture<Long> both = released.thenCombine(tracked, (answer, added) -> answer);
        both.whenComplete((answer, error) -> {
            if (error != null) {
                pendingReleases.add(new PendingReleases.Pending(key, receiver.encode(), upTo, delay,
                        sentAtNanos + runtime.config().holdTtl().toNanos()), !released.isCompletedExceptionally());
            }
        });
        // The client hears of its request only once both are answered. If that came late, the delay
        // the release started ran meanwhile: a stall of the session's Redis, or of the index shard's
        // alone (another Cluster master), so it starts again. A repeat of a release that ran answers
        // 0 (no longer the holder), as does one whose slot moved on: rearm.lua leaves a held session be.
        return both
                .thenCompose(answer -> answer >= 0 ? sweeper.rearmIfLate(key, sentAt, delay, margin)
                        : CompletableFuture.<Void>completedFuture(null))
                .exceptionallyCompose(error -> StoreErrors.failed("release " + key, error));
    }

    @Override
    public CompletionStage<EnqueueResult> enqueue(SessionKey key, List<String> messages) {
        if (messages.isEmpty()) {
            return status(key).thenApply(status -> switch (status) {
                case OPEN -> EnqueueResult.QUEUED;
                case CLOSED -> EnqueueResult.CLOSED;
                case NOT_FOUND -> EnqueueResult.NOT_FOUND;
            });
        }
        Object[] args = new Object[5 + messages.size()];
        args[0] = runtime.config().queueBoundArgument();
        args[1] = runtime.config().keyPrefix();
        args[2] = key.scope();
        args[3] = key.sessionId();
        args[4] = runtime.replies().ttlMillis();
        for (int i = 0; i < messages.size(); i++) {
            args[5 + i] = messages.get(i);
        }
        return runtime.pipeline().<Long>submit(scripts.enqueue, RScript.ReturnType.LONG, withReplyKey(key), args)
                .thenApply(answer -> answer == QUEUED ? EnqueueResult.QUEUED
                        : answer == NO_SESSION ? EnqueueResult.NOT_FOUND
                        : answer == CLOSED ? EnqueueResult.CLOSED
                        : EnqueueResult.QUEUE_FULL)
                .exceptionallyCompose(error -> StoreErrors.failedWrite("enqueue " + key, error));
    }

    @Override
    public CompletionStage<Boolean> close(SessionKey key, SockJsFrame closeFrame) {
        return scripts.close.<Long>eval(runtime.script(), RScript.ReturnType.LONG, withReplyKey(key),
                closeFrame.text(), runtime.config().keyPrefix(), key.scope(), key.sessionId(),
                runtime.replies().ttlMillis())
                .thenApply(answer -> answer == 1L)
                .exceptionallyCompose(error -> StoreErrors.failed("close " + key, error));
    }

    /** The session's hash and queue, then a fresh reply key (see {@link ReplyKeys}). */
    private List<Object> withReplyKey(SessionKey key) {
        return List.of(keys.session(key), keys.queue(key), runtime.replies().next(key.scope()));
    }

    @Override
    public CompletionStage<Void> delete(SessionKey key) {
        wakeups.forgetAny(key);
        return runtime.commands().timed("del",
                        () -> runtime.redisson().getKeys().deleteAsync(keys.session(key), keys.queue(key)))
                .thenApply(count -> (Void) null)
                .exceptionallyCompose(error -> StoreErrors.failed("delete " + key, error));
    }

    @Override
    public CompletionStage<SessionStatus> status(SessionKey key) {
        return runtime.commands().<String>timed("hget", () -> runtime.redisson()
                        .<String, String>getMap(keys.session(key), HeapStringCodec.INSTANCE).getAsync("st"))
                .thenApply(state -> state == null ? SessionStatus.NOT_FOUND
                        : state.equals("o") ? SessionStatus.OPEN : SessionStatus.CLOSED)
                .exceptionallyCompose(error -> StoreErrors.failed("status " + key, error));
    }

    @Override
    public int maxQueueLength() {
        return runtime.config().maxQueueLength();
    }

    @Override
    public int maxQueueBytes() {
        return runtime.config().maxQueueBytes();
    }

    @Override
    public void setExpiryListener(SessionExpiryListener listener) {
        expiryListener.set(listener);
    }
}

package io.wildcloud.ws.engine.memory;

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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The embedded default: sessions in this JVM's memory, for one node with no Redis. Every
 * operation completes before it returns; receivers are called outside the session's lock, in
 * order, one call at a time per session.
 */
public final class MemorySessionStore implements SessionStore, AutoCloseable {

    /** Default bound of a session's queue; see {@link EnqueueResult#QUEUE_FULL}. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 1024;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ConcurrentHashMap<SessionKey, MemorySession> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final int maxQueuedMessages;
    private final int maxQueuedBytes;
    /** Which scopes live ({@link Creation#CREATE_ONLY_IN_LIVE_SCOPE}): all, unless an engine says otherwise. */
    private volatile Predicate<String> liveScopes = scope -> true;
    private volatile SessionExpiryListener expiryListener = key -> { };

    public MemorySessionStore() {
        this(DEFAULT_MAX_QUEUED_MESSAGES);
    }

    public MemorySessionStore(int maxQueuedMessages) {
        this(maxQueuedMessages, DEFAULT_MAX_QUEUE_BYTES);
    }

    public MemorySessionStore(int maxQueuedMessages, int maxQueuedBytes) {
        if (maxQueuedMessages < 1) {
            throw new IllegalArgumentException("maxQueuedMessages must be at least 1: " + maxQueuedMessages);
        }
        if (maxQueuedBytes < 1) {
            throw new IllegalArgumentException("maxQueuedBytes must be at least 1: " + maxQueuedBytes);
        }
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "memory-session-expiry");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Tells the store which scopes live; an engine sets it once, before it serves. */
    public void checkScopesWith(Predicate<String> liveScopes) {
        this.liveScopes = Objects.requireNonNull(liveScopes, "liveScopes");
    }

    @Override
    public CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver) {
        if (creation == Creation.CREATE_ONLY_IN_LIVE_SCOPE) {
            if (!liveScopes.test(key.scope())) {
                return CompletableFuture.completedFuture(Claim.notFound());
            }
            creation = Creation.CREATE_ONLY;
        }
        while (true) {
            MemorySession session = creation == Creation.EXISTING_ONLY ? sessions.get(key)
                    : sessions.putIfAbsent(key, new MemorySession(key, maxQueuedMessages, maxQueuedBytes, receiver));
            if (session == null) {
                return CompletableFuture.completedFuture(
                        creation == Creation.EXISTING_ONLY ? Claim.notFound() : Claim.opened());
            }
            if (creation == Creation.CREATE_ONLY) {
                return CompletableFuture.completedFuture(Claim.busy());
            }
            Claim claim = session.claim(mode, receiver);
            if (claim != null) {
                return CompletableFuture.completedFuture(claim);
            }
            // The session was removed between lookup and claim: start over.
        }
    }

    @Override
    public CompletionStage<Void> acknowledge(SessionKey key, ReceiverId receiver, long deliveredSeq) {
        MemorySession session = sessions.get(key);
        if (session != null) {
            session.acknowledge(receiver, deliveredSeq);
        }
        return DONE;
    }

    @Override
    public CompletionStage<Void> release(SessionKey key, ReceiverId receiver, long deliveredSeq, Duration disconnectDelay) {
        MemorySession session = sessions.get(key);
        if (session != null && session.release(receiver, deliveredSeq)) {
            scheduleExpiry(session, disconnectDelay);
        }
        return DONE;
    }

    @Override
    public CompletionStage<EnqueueResult> enqueue(SessionKey key, List<String> messages) {
        return CompletableFuture.completedFuture(enqueueNow(key, SizedMessages.of(messages)).result());
    }

    /** Enqueues at once, answering the queue's length too (for the socket store's publish). */
    Enqueued enqueueNow(SessionKey key, SizedMessages messages) {
        MemorySession session = sessions.get(key);
        return session == null ? new Enqueued(EnqueueResult.NOT_FOUND, 0) : session.enqueue(messages);
    }

    @Override
    public CompletionStage<Boolean> close(SessionKey key, SockJsFrame closeFrame) {
        MemorySession session = sessions.get(key);
        return CompletableFuture.completedFuture(session != null && session.close(closeFrame));
    }

    @Override
    public CompletionStage<Void> delete(SessionKey key) {
        MemorySession session = sessions.remove(key);
        if (session != null) {
            session.remove();
        }
        return DONE;
    }

    @Override
    public CompletionStage<SessionStatus> status(SessionKey key) {
        MemorySession session = sessions.get(key);
        return CompletableFuture.completedFuture(session == null ? SessionStatus.NOT_FOUND : session.status());
    }

    @Override
    public int maxQueueLength() {
        return maxQueuedMessages;
    }

    @Override
    public int maxQueueBytes() {
        return maxQueuedBytes;
    }

    @Override
    public void setExpiryListener(SessionExpiryListener listener) {
        this.expiryListener = listener;
    }

    /** Sessions held now, for tests and metrics. */
    public int size() {
        return sessions.size();
    }

    private void scheduleExpiry(MemorySession session, Duration delay) {
        long generation = session.generation();
        timer.schedule(() -> expire(session, generation), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void expire(MemorySession session, long generation) {
        Boolean wasOpen = session.expireIfIdleSince(generation);
        if (wasOpen == null || !sessions.remove(session.key(), session)) {
            return;
        }
        if (wasOpen) {
            expiryListener.expired(session.key());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

}

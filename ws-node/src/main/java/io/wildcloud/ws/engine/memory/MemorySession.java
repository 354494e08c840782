package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One session of the {@link MemorySessionStore}. State changes under the instance lock; the
 * receiver calls they cause go through {@link #outbox} and run after the lock is let go, in order
 * and one at a time, so a receiver may call back into the store from its callback.
 */
final class MemorySession {

    private final SessionKey key;
    private final int maxQueued;
    private final int maxQueuedBytes;
    private final ArrayDeque<SizedQueuedMessage> queue = new ArrayDeque<>();
    private final Queue<Runnable> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    private long lastSeq;
    /** UTF-8 bytes of the messages in {@link #queue}, as the Redis engine counts them. */
    private long queuedBytes;
    private Receiver holder;
    private SockJsFrame closeFrame;
    private boolean removed;
    /** Grows on every claim and release, so an expiry timer knows whether it is stale. */
    private long generation;

    /** A new session whose slot {@code creator} holds from the start. */
    MemorySession(SessionKey key, int maxQueued, int maxQueuedBytes, Receiver creator) {
        this.key = key;
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
        this.holder = creator;
    }

    SessionKey key() {
        return key;
    }

    synchronized long generation() {
        return generation;
    }

    /** Claims the slot; {@code null} if this session was removed meanwhile. */
    synchronized Claim claim(ClaimMode mode, Receiver receiver) {
        if (removed) {
            return null;
        }
        if (holder != null) {
            return Claim.busy();
        }
        if (closeFrame != null && queue.isEmpty()) {
            return Claim.closed(closeFrame);
        }
        generation++;
        List<QueuedMessage> pending = new ArrayList<>(queue);
        // A poll too keeps them queued until it has answered and released what it wrote.
        holder = receiver;
        return Claim.attached(pending, closeFrame);
    }

    synchronized void acknowledge(ReceiverId receiver, long deliveredSeq) {
        if (holds(receiver)) {
            trimTo(deliveredSeq);
        }
    }

    /** Frees the slot; whether {@code receiver} held it. */
    synchronized boolean release(ReceiverId receiver, long deliveredSeq) {
        if (!holds(receiver)) {
            return false;
        }
        trimTo(deliveredSeq);
        holder = null;
        generation++;
        return true;
    }

    Enqueued enqueue(SizedMessages sized) {
        List<String> messages = sized.messages();
        Enqueued result;
        synchronized (this) {
            if (removed) {
                return new Enqueued(EnqueueResult.NOT_FOUND, 0);
            }
            if (closeFrame != null) {
                return new Enqueued(EnqueueResult.CLOSED, 0);
            }
            if (queue.size() + messages.size() > maxQueued || queuedBytes + sized.totalBytes() > maxQueuedBytes) {
                return new Enqueued(EnqueueResult.QUEUE_FULL, queue.size());
            }
            queuedBytes += sized.totalBytes();
            List<QueuedMessage> added;
            if (messages.size() == 1) { // a single publish's: no list with room to grow
                SizedQueuedMessage queued = new SizedQueuedMessage(++lastSeq, messages.get(0), sized.bytes()[0]);
                queue.addLast(queued);
                added = List.of(queued);
            } else {
                added = new ArrayList<>(messages.size());
                for (int i = 0; i < messages.size(); i++) {
                    SizedQueuedMessage queued = new SizedQueuedMessage(++lastSeq, messages.get(i), sized.bytes()[i]);
                    queue.addLast(queued);
                    added.add(queued);
                }
            }
            if (holder != null) {
                Receiver receiver = holder;
                outbox.add(() -> receiver.onMessages(added));
            }
            result = new Enqueued(EnqueueResult.QUEUED, queue.size());
        }
        drain();
        return result;
    }

    boolean close(SockJsFrame frame) {
        synchronized (this) {
            if (removed || closeFrame != null) {
                return false;
            }
            closeFrame = frame;
            if (holder != null) {
                Receiver receiver = holder;
                outbox.add(() -> receiver.onClosed(frame));
            }
        }
        drain();
        return true;
    }

    synchronized void remove() {
        removed = true;
        holder = null;
        clearQueue();
    }

    synchronized SessionStatus status() {
        if (removed) {
            return SessionStatus.NOT_FOUND;
        }
        return closeFrame == null ? SessionStatus.OPEN : SessionStatus.CLOSED;
    }

    /**
     * Removes the session if nothing claimed it since {@code expectedGeneration}: answers whether it
     * was open, or {@code null} if it lives on.
     */
    synchronized Boolean expireIfIdleSince(long expectedGeneration) {
        if (removed || holder != null || generation != expectedGeneration) {
            return null;
        }
        removed = true;
        clearQueue();
        return closeFrame == null;
    }

    private boolean holds(ReceiverId receiver) {
        return holder != null && holder.id().equals(receiver);
    }

    private void trimTo(long deliveredSeq) {
        while (!queue.isEmpty() && queue.peekFirst().seq() <= deliveredSeq) {
            queuedBytes -= queue.pollFirst().bytes();
        }
    }

    private void clearQueue() {
        queue.clear();
        queuedBytes = 0;
    }

    /** Runs queued receiver calls, one thread at a time, in order. */
    private void drain() {
        while (!outbox.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                Runnable call;
                while ((call = outbox.poll()) != null) {
                    call.run();
                }
            } finally {
                draining.set(false);
            }
        }
    }
}

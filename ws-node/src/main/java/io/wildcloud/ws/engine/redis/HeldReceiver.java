package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receiver that holds its session's slot on this node, and what it has been given so far.
 * Wake-ups come from pub/sub in any order relative to fetches; this class turns them into calls of
 * the {@link Receiver} with no gap and no repeat: repeats (seq already given) are dropped, a gap
 * is filled by reading the queue (fetch.lua), and while a fetch runs wake-ups only raise the
 * highest seq announced, so that another fetch follows if the first one missed them.
 *
 * <p>Receiver calls happen under this object's lock, so they never overlap and keep order. The
 * lock is never taken by {@link #end()}, so a transport that releases from its event loop does not
 * wait for a delivery in progress.
 */
final class HeldReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(HeldReceiver.class);

    /** What a held receiver needs from its store. */
    interface Owner {
        /** Runs fetch.lua: everything after {@code afterSeq}, or {'G'} / {'E'}. */
        CompletionStage<List<Object>> fetch(SessionKey key, String receiverId, long afterSeq);

        /** The receiver lost its slot or its session; forget it. */
        void evicted(HeldReceiver held);

        /**
         * Completes once it is known whether the store lost all its data (its epoch changed), in
         * which case every receiver was closed with a close code first; an eviction waits for it,
         * so that a Redis restarted empty closes sessions with that code rather than cutting them.
         */
        CompletionStage<Void> beforeEviction();

        /** Runs {@code task} a little later (a failed fetch is retried). */
        void retryLater(Runnable task);
    }

    private final SessionKey key;
    private final Receiver receiver;
    private final String receiverId;
    private final Owner owner;

    private long delivered;
    private long announced;
    private boolean fetching;
    private boolean fetchAgain;
    private volatile boolean ended;

    /**
     * @param delivered the last seq the receiver has (from its claim)
     * @param closeDelivered whether the claim already gave the receiver its close frame
     */
    HeldReceiver(SessionKey key, Receiver receiver, long delivered, boolean closeDelivered, Owner owner) {
        this.key = key;
        this.receiver = receiver;
        this.receiverId = receiver.id().encode();
        this.delivered = delivered;
        this.announced = delivered;
        this.ended = closeDelivered;
        this.owner = owner;
    }

    SessionKey key() {
        return key;
    }

    String receiverId() {
        return receiverId;
    }

    boolean isEnded() {
        return ended;
    }

    /** Messages were queued: give the new ones, or fetch if some before them are missing. */
    synchronized void onMessages(long firstSeq, List<String> messages) {
        long lastSeq = firstSeq + messages.size() - 1;
        if (ended || lastSeq <= delivered) {
            return;
        }
        announced = Math.max(announced, lastSeq);
        if (fetching) {
            return;
        }
        if (firstSeq > delivered + 1) {
            startFetch();
            return;
        }
        deliver(firstSeq, messages);
    }

    /** The session closed after {@code lastSeq}: give what is missing, then the close frame. */
    synchronized void onClose(long lastSeq, String closeFrame) {
        if (ended) {
            return;
        }
        announced = Math.max(announced, lastSeq);
        if (fetching) {
            fetchAgain = true;
            return;
        }
        if (delivered >= lastSeq) {
            deliverClose(closeFrame);
        } else {
            startFetch();
        }
    }

    /** Something may have been published unseen (a (re)subscription, a wake-up before the claim). */
    synchronized void catchUp() {
        if (ended) {
            return;
        }
        if (fetching) {
            fetchAgain = true;
        } else {
            startFetch();
        }
    }

    /** The receiver released its slot (or its session was deleted): no further calls. */
    void end() {
        ended = true;
    }

    /**
     * The store lost the session (Redis lost its data): give the receiver {@code closeFrame} and
     * forget it; {@code false} if it had ended already.
     */
    boolean lose(SockJsFrame closeFrame) {
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            receiver.onClosed(closeFrame);
        }
        owner.evicted(this);
        return true;
    }

    /** The slot was taken from this receiver (or its session is gone): tell it, once. */
    void evict() {
        owner.beforeEviction().whenComplete((checked, error) -> evictNow());
    }

    private void evictNow() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            LOG.info("{} receiver {} evicted: another receiver holds the slot or the session is gone", key, receiverId);
            receiver.onEvicted();
        }
        owner.evicted(this);
    }

    private void startFetch() {
        fetching = true;
        fetchAgain = false;
        owner.fetch(key, receiverId, delivered).whenComplete((result, error) -> {
            if (error != null) {
                fetchFailed(error);
            } else if (result.size() == 1) {
                synchronized (this) {
                    fetching = false;
                }
                evict();
            } else {
                fetched(result);
            }
        });
    }

    private synchronized void fetchFailed(Throwable error) {
        fetching = false;
        if (!ended) {
            LOG.warn("{} receiver {} could not read its queue, retrying: {}", key, receiverId, error.toString());
            owner.retryLater(this::catchUp);
        }
    }

    private synchronized void fetched(List<Object> result) {
        fetching = false;
        if (ended) {
            return;
        }
        boolean closed = "c".equals(result.get(0));
        long firstSeq = (Long) result.get(2);
        List<String> messages = new ArrayList<>(result.size() - 3);
        for (int i = 3; i < result.size(); i++) {
            messages.add((String) result.get(i));
        }
        if (!messages.isEmpty() && firstSeq + messages.size() - 1 > delivered) {
            deliver(firstSeq, messages);
        }
        if (closed) {
            deliverClose((String) result.get(1));
        } else if (announced > delivered || fetchAgain) {
            startFetch();
        }
    }

    /** Gives the messages after {@code delivered}; {@code firstSeq <= delivered + 1}. */
    private void deliver(long firstSeq, List<String> messages) {
        int skip = (int) Math.max(0, delivered + 1 - firstSeq);
        List<QueuedMessage> fresh = new ArrayList<>(messages.size() - skip);
        for (int i = skip; i < messages.size(); i++) {
            fresh.add(new QueuedMessage(firstSeq + i, messages.get(i)));
        }
        delivered = firstSeq + messages.size() - 1;
        receiver.onMessages(fresh);
    }

    private void deliverClose(String closeFrame) {
        ended = true;
        receiver.onClosed(SockJsFrame.parse(closeFrame));
    }
}

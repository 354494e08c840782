package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The message buckets (messages and bytes) of the sessions whose {@code xhr_send}s and
 * {@code jsonp_send}s reach this node (a websocket keeps its own). Per node: with round robin a session's sends spread over the
 * nodes, so its sustained rate is bounded per node; a single frame is bounded everywhere.
 *
 * <p>Bounded to {@link #MAX_BUCKETS} (~160 B each: a few MiB). At the bound, full buckets are
 * forgotten (a full bucket is the same as none); if that is not enough, arbitrary ones: those
 * sessions get a full bucket again, which loosens the rate, never the per-frame bound.
 */
final class SendBuckets {

    static final int MAX_BUCKETS = 65_536;

    private final ConcurrentMap<SessionKey, MessageBucket> buckets = new ConcurrentHashMap<>();

    /**
     * Takes a frame of {@code count} messages in {@code frameBytes} from {@code key}'s bucket; if it
     * lacks either, takes nothing and answers which ({@link MessageBucket#tryTake}).
     *
     * @return {@code null} if taken
     */
    ClientMessageLimit.Exceeded tryTake(SessionKey key, ClientMessageLimit limit, int count, int frameBytes) {
        long now = System.nanoTime();
        if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(key)) {
            makeRoom(now);
        }
        return buckets.computeIfAbsent(key, k -> new MessageBucket(limit, now)).tryTake(count, frameBytes, now);
    }

    int size() {
        return buckets.size();
    }

    private void makeRoom(long now) {
        buckets.values().removeIf(bucket -> bucket.isFull(now));
        Iterator<MessageBucket> any = buckets.values().iterator();
        while (buckets.size() >= MAX_BUCKETS - MAX_BUCKETS / 16 && any.hasNext()) {
            any.next();
            any.remove();
        }
    }
}

package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.KeyedBuckets;
import io.wildcloud.ws.sockjs.session.SessionKey;

/**
 * The message buckets (messages and bytes) of the sessions whose {@code xhr_send}s and
 * {@code jsonp_send}s reach this node (a websocket keeps its own). Per node: with round robin a session's sends spread over the
 * nodes, so its sustained rate is bounded per node; a single frame is bounded everywhere.
 *
 * <p>Bounded to {@link #MAX_BUCKETS} (~160 B each: a few MiB), as {@link KeyedBuckets} keeps them.
 */
final class SendBuckets {

    static final int MAX_BUCKETS = 65_536;

    private final KeyedBuckets<SessionKey, MessageBucket> buckets = new KeyedBuckets<>(MAX_BUCKETS);

    /**
     * Takes a frame of {@code count} messages in {@code frameBytes} from {@code key}'s bucket; if it
     * lacks either, takes nothing and answers which ({@link MessageBucket#tryTake}).
     *
     * @return {@code null} if taken
     */
    ClientMessageLimit.Exceeded tryTake(SessionKey key, ClientMessageLimit limit, int count, int frameBytes) {
        long now = System.nanoTime();
        return buckets.of(key, now, made -> new MessageBucket(limit, made)).tryTake(count, frameBytes, now);
    }

    int size() {
        return buckets.size();
    }
}

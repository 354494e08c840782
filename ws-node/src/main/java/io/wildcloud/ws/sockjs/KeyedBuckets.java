package io.wildcloud.ws.sockjs;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongFunction;

/**
 * A node's token buckets, one per key (a session's sends, a socket's new sessions), at most
 * {@code max} of them whatever clients send. At the bound, full buckets are forgotten (a full
 * bucket is the same as none); if that is not enough, arbitrary ones, whose keys then get a full
 * bucket again: that loosens a rate, never a bound that holds per frame or per request.
 *
 * @param <K> what a bucket is kept for
 * @param <B> the bucket
 */
public final class KeyedBuckets<K, B extends KeyedBuckets.Bucket> {

    /** What the node may forget: a bucket that is full. */
    public interface Bucket {
        boolean isFull(long nowNanos);
    }

    private final int max;
    private final ConcurrentMap<K, B> buckets = new ConcurrentHashMap<>();

    public KeyedBuckets(int max) {
        this.max = max;
    }

    /** {@code key}'s bucket, made (full) by {@code make} at {@code nowNanos} if the node has none. */
    public B of(K key, long nowNanos, LongFunction<B> make) {
        // Most calls find the bucket: read it first, without the capturing lambda a miss needs.
        B existing = buckets.get(key);
        if (existing != null) {
            return existing;
        }
        if (buckets.size() >= max) {
            makeRoom(nowNanos);
        }
        return buckets.computeIfAbsent(key, k -> make.apply(nowNanos));
    }

    /** {@code key}'s bucket if the node has one (none is as good as a full one); makes nothing. */
    public B existing(K key) {
        return buckets.get(key);
    }

    public int size() {
        return buckets.size();
    }

    private void makeRoom(long nowNanos) {
        buckets.values().removeIf(bucket -> bucket.isFull(nowNanos));
        Iterator<B> any = buckets.values().iterator();
        while (buckets.size() >= max - max / 16 && any.hasNext()) {
            any.next();
            any.remove();
        }
    }
}

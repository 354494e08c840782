package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.KeyedBuckets;
import java.time.Duration;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many bytes one application's publishes may queue on this node: a token bucket per
 * application of {@link PushLimits#publishBytesPerSecond()} that holds
 * {@link PushLimits#publishByteBurst()}. A publish queues its message's UTF-8 bytes once per
 * session that takes it, so one batch of 1,000 sockets of 64 sessions could put 4 GiB of 64 KiB
 * messages into the store every tenant shares, and nothing bounded how often.
 *
 * <p>How many sessions take a message is known only once the store answered. So a publish first
 * {@linkplain #reserve reserves} its worst case (every session it addresses takes it), which may
 * take the bucket into debt, and then {@linkplain Reservation#settle settles} with what was queued;
 * while the bucket is in debt the application's publishes are refused. Publishes in flight
 * together thus queue at most what the bucket held plus one worst case, however many run at once,
 * and a publish whose worst case passes the burst is refused whole by the caller.
 *
 * <p>Publishes without a bearer token name no application before the store answers: they share
 * the bucket {@link #ANONYMOUS}. Per node, as {@link SessionOpenings}; at most
 * {@link #MAX_APPLICATIONS} buckets, as {@link KeyedBuckets} keeps them.
 */
public final class PublishBudget {

    /** The bucket of publishes that carry no bearer token. */
    public static final String ANONYMOUS = "";
    static final int MAX_APPLICATIONS = 65_536;

    private static final Logger log = LoggerFactory.getLogger(PublishBudget.class);

    private final long bytesPerSecond;
    private final long burst;
    private final KeyedBuckets<String, Bucket> buckets = new KeyedBuckets<>(MAX_APPLICATIONS);
    /** Made once: a lambda written at the call would capture this budget anew on every publish. */
    private final LongFunction<Bucket> newBucket = Bucket::new;

    public PublishBudget(long bytesPerSecond, long burst) {
        this.bytesPerSecond = bytesPerSecond;
        this.burst = burst;
    }

    /** The budget of {@code limits}. */
    public static PublishBudget of(PushLimits limits) {
        return new PublishBudget(limits.publishBytesPerSecond(), limits.publishByteBurst());
    }

    /** What the bucket holds at most: a publish that could queue more can never pass. */
    public long burst() {
        return burst;
    }

    /**
     * Takes {@code worstCaseBytes} from {@code application}'s bucket, unless it is in debt: then
     * throws {@link PublishBudgetExceededException}, with when it will be out of debt.
     */
    public Reservation reserve(String application, long worstCaseBytes) {
        return reserve(application, worstCaseBytes, System.nanoTime());
    }

    /** As {@link #reserve(String, long)} at {@code nowNanos} ({@link System#nanoTime()}; tests). */
    Reservation reserve(String application, long worstCaseBytes, long nowNanos) {
        Bucket bucket = buckets.of(application, nowNanos, newBucket);
        long waitNanos = bucket.take(worstCaseBytes, nowNanos, application);
        if (waitNanos > 0) {
            throw new PublishBudgetExceededException(application, bytesPerSecond, burst, Duration.ofNanos(waitNanos));
        }
        return new Reservation(bucket, worstCaseBytes);
    }

    int size() {
        return buckets.size();
    }

    /**
     * What a publish reserved; {@link #settle}d once with what it queued: the first settle counts, a
     * later one (an error raised after the store's answer was settled, e.g. a full session queue)
     * changes nothing. Settled in one chain of stages, so the calls never race.
     */
    public static final class Reservation {
        private final Bucket bucket;
        private final long reserved;
        private boolean settled;

        private Reservation(Bucket bucket, long reserved) {
            this.bucket = bucket;
            this.reserved = reserved;
        }

        /** The publish queued {@code queuedBytes}: the rest of the reservation goes back. */
        public void settle(long queuedBytes) {
            if (!settled) {
                settled = true;
                bucket.giveBack(reserved - queuedBytes);
            }
        }

        /** The publish may have queued its whole reservation (the store did not answer): nothing goes back. */
        public void keep() {
            settle(reserved);
        }
    }

    private final class Bucket implements KeyedBuckets.Bucket {
        private double bytes;
        private long refilledAtNanos;
        private boolean refusing;

        Bucket(long nowNanos) {
            this.bytes = burst;
            this.refilledAtNanos = nowNanos;
        }

        /** Takes {@code amount} (into debt if need be) and answers 0; in debt, the nanoseconds until it is not. */
        synchronized long take(long amount, long nowNanos, String application) {
            refill(nowNanos);
            if (bytes >= burst) {
                refusing = false; // logged again only after the bucket filled: not once per debt repaid
            }
            if (bytes <= 0) {
                if (!refusing) {
                    refusing = true;
                    log.info("application {} is over its publish budget ({} bytes a second, {} at once):"
                            + " refusing its publishes", application.isEmpty() ? "(no bearer token)" : application,
                            bytesPerSecond, burst);
                }
                return Math.max(1, (long) Math.ceil((1 - bytes) * 1e9 / bytesPerSecond));
            }
            bytes -= amount;
            return 0;
        }

        synchronized void giveBack(long amount) {
            bytes = Math.min(burst, bytes + amount);
        }

        @Override
        public synchronized boolean isFull(long nowNanos) {
            refill(nowNanos);
            return bytes >= burst;
        }

        private void refill(long nowNanos) {
            long elapsed = nowNanos - refilledAtNanos;
            if (elapsed > 0) {
                bytes = Math.min(burst, bytes + elapsed * (bytesPerSecond / 1e9));
                refilledAtNanos = nowNanos;
            }
        }
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases that Redis left unanswered past the stall bound ({@link UnknownOutcomes} gave up): the
 * slot may still be its receiver's in Redis, so the node keeps counting it as held
 * ({@link NodeWakeups#releasing}: a next poll here waits instead of taking it over and getting the
 * answer again) and sends the release again until Redis answers it. Until then a claim on another
 * node finds a live holder, BUSY; forgotten, the slot stayed so (2010 to every poll) until the
 * keys lapsed at the hold TTL, and the application never heard of the session's end.
 *
 * <p>A repeat does no harm: release.lua is fenced by its receiver (a copy that runs after the first,
 * or after another receiver took the slot, answers 0 and changes nothing) and acknowledges the same
 * seq each time, what the answer carried. Once released, the session goes in the expiry index (sent
 * after the release: an entry checked while the slot is still held leaves the index), so that its
 * end is noticed.
 *
 * <p>Bounded: {@link #MAX_PENDING} releases (past that a release is given up as before: its keys
 * lapse with the hold TTL), rounds of at most {@link #PER_ROUND}, one at a time and
 * {@link UnknownOutcomes#PAUSE} apart (a stalled round waits for Redisson's timeouts), one more at
 * once at each reconnection and at the engine's close, and each release a hold TTL after it was
 * first sent: its keys, renewed no more, are gone by then. Listed
 * in the node's held list ({@link #sessions()}), so that a node that stops with releases pending
 * leaves them to the node that takes it over, which ends them with a notice.
 * Counted as kept, made late or given up ({@link RedisMetrics#keptRelease}: {@code ws.redis.release.kept}).
 *
 * <p>A copy handed to a pooled connection that the fault cut, before Redisson noticed, goes out
 * again only Redisson's retry delay later (1-2 s): a round, which ends with its last copy, and the
 * index step after a release answered can take that long; a reconnection's round does not wait for it.
 */
final class PendingReleases {

    private static final Logger LOG = LoggerFactory.getLogger(PendingReleases.class);
    static final int MAX_PENDING = 50_000;
    static final int PER_ROUND = 64;
    private static final long RELEASED = 1;

    /** Sends release.lua once for a pending release; answers its code. */
    interface Release {
        CompletionStage<Long> send(Pending pending);
    }

    /** A release to make: the arguments of its first send, and when to stop. */
    record Pending(SessionKey key, String receiverId, long upToSeq, long delayMillis, long giveUpAtNanos) {
    }

    private record Target(SessionKey key, String receiverId) {
    }

    /** A pending release and whether its script has run (only its index entry is left then). */
    private record Entry(Pending pending, boolean released) {
        Target target() {
            return new Target(pending.key(), pending.receiverId());
        }
    }

    private final Release release;
    private final BiFunction<SessionKey, Long, CompletionStage<Boolean>> track;
    private final NodeWakeups wakeups;
    private final ScheduledExecutorService timer;
    private final RedisMetrics metrics;
    private final StoreClock clock;
    private final LinkedHashMap<Target, Entry> entries = new LinkedHashMap<>();
    /** Guarded by this: a scheduled round is waiting or on its way (the next is scheduled when it ends). */
    private boolean roundScheduled;

    /**
     * @param release sends release.lua for a pending release
     * @param track adds a released session to the expiry index with its deadline ({@code clock}'s)
     */
    PendingReleases(Release release, BiFunction<SessionKey, Long, CompletionStage<Boolean>> track,
            NodeWakeups wakeups, ScheduledExecutorService timer, RedisMetrics metrics, StoreClock clock) {
        this.release = release;
        this.track = track;
        this.wakeups = wakeups;
        this.timer = timer;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Keeps a release that got no answer; {@code released} when its script was answered and only
     * its index entry is left. Its receiver stays counted as the holder until it is done.
     */
    void add(Pending pending, boolean released) {
        synchronized (this) {
            if (entries.size() >= MAX_PENDING) {
                LOG.warn("{} release of {} given up: {} releases already wait for Redis; its keys lapse with the"
                        + " hold TTL", pending.key(), pending.receiverId(), MAX_PENDING);
                wakeups.released(pending.key(), pending.receiverId());
                metrics.keptRelease(RedisMetrics.Kept.GIVEN_UP);
                return;
            }
            Entry entry = new Entry(pending, released);
            entries.put(entry.target(), entry);
        }
        metrics.keptRelease(RedisMetrics.Kept.KEPT);
        LOG.warn("{} release of {} got no answer within the stall bound: kept, and sent again until Redis answers",
                pending.key(), pending.receiverId());
        scheduleRound(UnknownOutcomes.PAUSE.toMillis());
    }

    /**
     * Redis is back (a reconnection): send the oldest pending releases now, beside a round still
     * waiting for Redisson (whose own retry of a send cut with its connection comes a retry
     * interval later: 1.2 s, past the ~0.7 s a poll on another node waits before 2010). A copy
     * more of a release does no harm.
     */
    void retryNow() {
        sendRound();
    }

    /** The sessions whose release is pending, for the node's held list. */
    synchronized List<SessionKey> sessions() {
        List<SessionKey> sessions = new ArrayList<>(entries.size());
        entries.keySet().forEach(target -> sessions.add(target.key()));
        return sessions;
    }

    synchronized int size() {
        return entries.size();
    }

    /**
     * Sends what is pending, round after round, for at most {@code bound} (the node stops); what is
     * left stays in the node's held list for the node that takes it over. Blocks.
     */
    void finish(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (size() > 0 && System.nanoTime() < deadline) {
            try {
                sendRound().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception timedOut) {
                break;
            }
            if (size() > 0) {
                sleepQuietly(Math.min(UnknownOutcomes.PAUSE.toNanos(), deadline - System.nanoTime()));
            }
        }
        int left = size();
        if (left > 0) {
            LOG.warn("{} release(s) still unanswered at the engine's close: left in the node's held list, for the"
                    + " node that takes it over", left);
        }
    }

    private static void sleepQuietly(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next round, {@code delayMillis} after the last: one at a time. */
    private void scheduleRound(long delayMillis) {
        synchronized (this) {
            if (roundScheduled || entries.isEmpty()) {
                return;
            }
            roundScheduled = true;
        }
        try {
            timer.schedule(() -> sendRound().whenComplete((done, error) -> {
                synchronized (this) {
                    roundScheduled = false;
                }
                scheduleRound(UnknownOutcomes.PAUSE.toMillis());
            }), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            synchronized (this) {
                roundScheduled = false;
            }
        }
    }

    /**
     * Sends up to {@link #PER_ROUND} pending releases, oldest first (then last: the next round
     * starts with others); completes when all are answered or failed.
     */
    private CompletableFuture<Void> sendRound() {
        List<Entry> taken = new ArrayList<>(PER_ROUND);
        synchronized (this) {
            var it = entries.values().iterator();
            while (it.hasNext() && taken.size() < PER_ROUND) {
                taken.add(it.next());
                it.remove();
            }
            taken.forEach(entry -> entries.put(entry.target(), entry));
        }
        List<CompletableFuture<Void>> sends = new ArrayList<>(taken.size());
        taken.forEach(entry -> sends.add(send(entry)));
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    /** The release (unless it ran), then the index entry; left pending if either fails. */
    private CompletableFuture<Void> send(Entry entry) {
        Pending pending = entry.pending();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        CompletionStage<Long> released = entry.released() ? CompletableFuture.completedFuture(RELEASED)
                : call(() -> release.send(pending));
        released.whenComplete((answer, releaseError) -> {
            if (releaseError != null) {
                failed(entry, false, releaseError);
                sent.complete(null);
                return;
            }
            wakeups.released(pending.key(), pending.receiverId()); // the slot is no longer its in Redis
            if (!entry.released() && answer == RELEASED) {
                LOG.info("{} release of {} answered at last: the slot is free", pending.key(), pending.receiverId());
            }
            // Tracked whatever the answer: 0 may be an earlier send of this release that ran unanswered.
            call(() -> track.apply(pending.key(), clock.now() + pending.delayMillis()))
                    .whenComplete((tracked, trackError) -> {
                        if (trackError != null) {
                            failed(entry, true, trackError);
                        } else {
                            Entry made;
                            synchronized (this) {
                                made = entries.remove(entry.target());
                            }
                            if (made != null) { // once, whichever copy of it finished first
                                metrics.keptRelease(RedisMetrics.Kept.MADE_LATE);
                            }
                        }
                        sent.complete(null);
                    });
        });
        return sent;
    }

    /** Left pending (its script noted as run if {@code released}), or given up a hold TTL after its first send. */
    private void failed(Entry entry, boolean released, Throwable error) {
        Pending pending = entry.pending();
        if (System.nanoTime() - pending.giveUpAtNanos() >= 0) {
            Entry givenUp;
            synchronized (this) {
                givenUp = entries.remove(entry.target());
            }
            if (givenUp == null) { // another copy finished it, or gave it up, meanwhile
                return;
            }
            metrics.keptRelease(RedisMetrics.Kept.GIVEN_UP);
            LOG.warn("{} release of {} given up a hold TTL after it was first sent (its keys lapsed unrenewed): {}",
                    pending.key(), pending.receiverId(), StoreErrors.redacted(error.toString()));
            wakeups.released(pending.key(), pending.receiverId());
            return;
        }
        if (released) {
            synchronized (this) {
                // Only while still pending: another copy may have finished it meanwhile.
                entries.computeIfPresent(entry.target(), (target, now) -> new Entry(pending, true));
            }
        }
    }

    /** A call whose throw counts as a failed stage. */
    private static <T> CompletionStage<T> call(Supplier<CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

package io.wildcloud.ws.push.callback;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The permits a callback attempt holds while it is on the wire: one of its application's, so that
 * one application, however many origins it hands out in its callback URLs, holds only its share of
 * the node's; one of its callback origin's, so that one slow endpoint holds only its own share of
 * connections; and one of the node's. Taken in that order, always, and given back together: no two
 * attempts wait on each other. The application's first: an attempt waiting for its application's
 * share holds nothing another application needs (origin first, a hostile application's waiters
 * held the permits of an origin it shared with its victim).
 *
 * <p>Applications are a configured few; origins are whatever callback URLs applications name, so
 * an origin's limiter is made on first use and forgotten once nothing holds or waits for it.
 */
final class CallbackPermits {

    private final ConcurrencyLimiter node;
    private final int perApplication;
    private final int perOrigin;
    private final ConcurrentMap<String, ConcurrencyLimiter> applications = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrencyLimiter> origins = new ConcurrentHashMap<>();

    CallbackPermits(CallbackPolicy policy) {
        this.node = new ConcurrencyLimiter(policy.maxConcurrency());
        this.perApplication = Math.min(policy.maxConcurrencyPerApplication(), policy.maxConcurrency());
        this.perOrigin = policy.maxConnectionsPerHost();
    }

    /** Completes once {@code target}'s attempt holds all three permits. */
    CompletionStage<Held> acquire(CallbackTarget target) {
        String originKey = target.loggableOrigin();
        ConcurrencyLimiter application = applications.computeIfAbsent(target.applicationName(),
                name -> new ConcurrencyLimiter(perApplication));
        return application.acquire().thenCompose(ignored -> {
            // Taken inside the map's compute, as the forgetting in release is: a limiter is never
            // forgotten between being found here and being taken.
            @SuppressWarnings("unchecked")
            CompletionStage<Void>[] turn = new CompletionStage[1];
            ConcurrencyLimiter origin = origins.compute(originKey, (key, existing) -> {
                ConcurrencyLimiter limiter = existing != null ? existing : new ConcurrencyLimiter(perOrigin);
                turn[0] = limiter.acquire();
                return limiter;
            });
            Held held = new Held(originKey, origin, application);
            return turn[0].thenCompose(taken -> node.acquire()).thenApply(taken -> held);
        });
    }

    /** Origins with a limiter now (tests: forgotten once idle). */
    int originsKept() {
        return origins.size();
    }

    /** The three permits of one attempt; {@link #release} exactly once. */
    final class Held {
        private final String originKey;
        private final ConcurrencyLimiter origin;
        private final ConcurrencyLimiter application;

        private Held(String originKey, ConcurrencyLimiter origin, ConcurrencyLimiter application) {
            this.originKey = originKey;
            this.origin = origin;
            this.application = application;
        }

        void release() {
            node.release();
            application.release();
            origin.release();
            origins.computeIfPresent(originKey, (key, limiter) -> limiter == origin && limiter.idle() ? null : limiter);
        }
    }
}

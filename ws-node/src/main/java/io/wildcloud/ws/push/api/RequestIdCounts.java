package io.wildcloud.ws.push.api;

import io.wildcloud.ws.push.Application;
import io.wildcloud.ws.push.NewRequestIdRefusedException;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishBudget;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.push.RequestIdQuotaExceededException;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Bounds the request ids a caller's publishes make the store remember ({@code max-request-ids-per-application}
 * per window, over the cluster: {@link SocketStore#countRequestIds}), per application as the
 * {@link PublishBudget} (the publishes without a bearer token share {@link PublishBudget#ANONYMOUS}).
 * A publish with a request id first counts each of its targets; over the bound it is still sent,
 * but only to be answered where it repeats a remembered publish (a retry must learn what its first
 * try did), and refused where it does not. Once answered, the targets that left nothing remembered
 * (repeats, publishes that queued nothing, failures the store answered) are taken back.
 *
 * <p>Past the bound a new request id is refused (429), not published unremembered: its caller
 * sent an id because it will retry on a lost answer, and a retry of a publish that was not
 * remembered is delivered twice.
 */
final class RequestIdCounts {

    /** A publish without a request id, or counted: new request ids may be remembered. */
    static final CompletionStage<RequestIdCount> NOT_COUNTED = CompletableFuture.completedFuture(null);

    private final SocketStore sockets;
    private final long max;

    RequestIdCounts(SocketStore sockets, long max) {
        this.sockets = sockets;
        this.max = max;
    }

    /** Counts {@code targets} request ids of the caller; {@code null} inside when there is no request id. */
    CompletionStage<RequestIdCount> count(Optional<Application> caller, String requestId, int targets) {
        return requestId == null ? NOT_COUNTED : sockets.countRequestIds(application(caller), targets, max);
    }

    /** Whether the publish may make the store remember a new request id. */
    static boolean newAllowed(RequestIdCount count) {
        return count == null || count.counted();
    }

    /** The answer to a target the store refused for its new request id; else {@code error} itself. */
    Throwable refusal(Optional<Application> caller, RequestIdCount count, Throwable error) {
        if (count != null && Causes.unwrap(error) instanceof NewRequestIdRefusedException) {
            return new RequestIdQuotaExceededException(application(caller), max, count.windowEndsIn());
        }
        return error;
    }

    /**
     * Takes back the counted request ids that were not remembered: {@code answers} of the targets
     * ({@code null} for one that failed, with its error in {@code errors}, which may be null).
     */
    void settle(Optional<Application> caller, RequestIdCount count, List<Optional<Publication>> answers,
            List<Throwable> errors) {
        if (count == null || !count.counted()) {
            return;
        }
        int forgotten = 0;
        for (int i = 0; i < answers.size(); i++) {
            if (!remembered(answers.get(i), errors == null ? null : errors.get(i))) {
                forgotten++;
            }
        }
        sockets.uncountRequestIds(application(caller), count.window(), forgotten);
    }

    /** As {@link #settle(Optional, RequestIdCount, List, List)} for one publish. */
    void settle(Optional<Application> caller, RequestIdCount count, Optional<Publication> answer, Throwable error) {
        if (count != null && count.counted() && !remembered(answer, error)) {
            sockets.uncountRequestIds(application(caller), count.window(), 1);
        }
    }

    /** Whether a target's publish left its request id remembered (or may have: no answer). */
    private static boolean remembered(Optional<Publication> answer, Throwable error) {
        if (error != null) {
            return Causes.unwrap(error) instanceof StoreOutcomeUnknownException;
        }
        return answer != null && answer.isPresent() && !answer.get().repeat() && answer.get().queued() > 0;
    }

    private static String application(Optional<Application> caller) {
        return caller.map(Application::name).orElse(PublishBudget.ANONYMOUS);
    }
}

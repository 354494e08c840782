package io.wildcloud.ws.push.api;

import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.api.PublishBatchResponse.TargetResult;
import io.wildcloud.ws.common.sockjs.Utf8;
import io.wildcloud.ws.push.Application;
import io.wildcloud.ws.push.NewRequestIdRefusedException;
import io.wildcloud.ws.push.PartlyPublishedException;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishBudget;
import io.wildcloud.ws.push.PublishTarget;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.PushMetrics.PublishOutcome;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.StoreFullException;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /publish} with many targets: one store call for the publishable ones, a result per entry. */
final class BatchPublish {

    private static final Logger log = LoggerFactory.getLogger(BatchPublish.class);

    private final SocketStore sockets;
    private final PushMetrics metrics;
    private final PublishCharges charges;
    private final RequestIdCounts requestIds;

    BatchPublish(SocketStore sockets, PushMetrics metrics, PublishCharges charges, RequestIdCounts requestIds) {
        this.sockets = sockets;
        this.metrics = metrics;
        this.charges = charges;
        this.requestIds = requestIds;
    }

    /**
     * Publishes a batch: each publishable entry as {@link PushOperations#publish(Optional, String, String, String, String)}
     * would (one store call for all, {@link SocketStore#publishAll}), each refused entry answered
     * with its error. With a {@code caller}, every live socket named must be the caller's, else the
     * whole batch fails with 403 and nothing is published: a wrong secret is the caller's bug, not
     * a target's condition, and half a delivered batch would hide it. The whole batch is one
     * charge of the caller's budget ({@link PublishCharges}): refused whole, or published. A store
     * failure of every target fails the batch (507, 503); of some of them only (a later script run
     * refused after an earlier one queued, {@link PartlyPublishedException}), those targets are
     * answered with it and the others as published. With a {@code requestId}, each target counts
     * against the caller's remembered request ids ({@link RequestIdCounts}); past them, the targets
     * that repeat a remembered publish are answered as it was and the others with
     * {@code too_many_request_ids} (all of them so: 429).
     */
    CompletionStage<PublishBatchResponse> publish(Optional<Application> caller, List<BatchTarget> entries,
            String requestId) {
        List<PublishTarget> targets = new ArrayList<>(entries.size());
        for (BatchTarget entry : entries) {
            if (entry.publishable()) {
                targets.add(entry.target());
            }
        }
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(PublishBatchResponse.of(results(entries, List.of(), null)));
        }
        long[] bytes = new long[targets.size()];
        PublishBudget.Reservation reservation;
        try {
            reservation = charges.reserve(caller, worstCase(targets, bytes), targets.size());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        long started = System.nanoTime();
        return allOwnedBy(caller, targets)
                .thenCompose(owned -> requestIds.count(caller, requestId, targets.size()))
                .thenCompose(count -> counted(caller, count, sockets.publishAll(targets, requestId,
                        RequestIdCounts.newAllowed(count)), targets.size()))
                .handle((answers, error) -> {
                    if (error != null && Causes.unwrap(error) instanceof PartlyPublishedException partly) {
                        return partlyPublished(entries, targets, bytes, reservation, partly, started);
                    }
                    PublishCharges.settle(reservation, error, () -> queued(answers, bytes));
                    if (error != null) {
                        long nanos = System.nanoTime() - started;
                        for (int i = 0; i < targets.size(); i++) {
                            metrics.published(PushOperations.outcome(error), nanos);
                        }
                        throw error instanceof CompletionException done ? done : new CompletionException(error);
                    }
                    List<TargetResult> results = results(entries, answers, null);
                    recordBatch(results, System.nanoTime() - started);
                    return PublishBatchResponse.of(results);
                });
    }

    /**
     * Some targets were answered and others failed (a later script run refused after an earlier
     * one queued): the charge keeps what was queued (and the worst case of targets whose outcome
     * is unknown), and each failed target is answered with its own error, so that the client
     * resends only those.
     */
    private PublishBatchResponse partlyPublished(List<BatchTarget> entries, List<PublishTarget> targets, long[] bytes,
            PublishBudget.Reservation reservation, PartlyPublishedException partly, long started) {
        long queued = queued(partly.answers(), bytes);
        long nanos = System.nanoTime() - started;
        boolean storeFailed = false;
        for (int i = 0; i < targets.size(); i++) {
            Throwable error = partly.errors().get(i);
            if (error != null) {
                storeFailed |= !(error instanceof NewRequestIdRefusedException);
                if (error instanceof StoreOutcomeUnknownException) {
                    queued += charges.worstCase(targets.get(i).sessionId(), bytes[i]);
                }
                metrics.published(PushOperations.outcome(error), nanos);
            }
        }
        reservation.settle(queued);
        // A caller past its request-id bound is the caller's doing, and it may repeat it every request.
        if (storeFailed) {
            log.warn("a batch of {} targets was published in part: {}", targets.size(), partly.getMessage());
        } else {
            log.debug("a batch of {} targets was published in part: {}", targets.size(), partly.getMessage());
        }
        List<TargetResult> results = results(entries, partly.answers(), partly.errors());
        recordBatch(results, nanos);
        return PublishBatchResponse.of(results);
    }

    /**
     * {@code published} with its request ids settled ({@link RequestIdCounts}: the ones not
     * remembered given back) and a refusal of every target for its new request id answered as the
     * caller's bound; {@code count} null without a request id.
     */
    private CompletionStage<List<Optional<Publication>>> counted(Optional<Application> caller, RequestIdCount count,
            CompletionStage<List<Optional<Publication>>> published, int targets) {
        if (count == null) {
            return published;
        }
        return published.handle((answers, error) -> {
            if (error == null) {
                requestIds.settle(caller, count, answers, null);
                return answers;
            }
            if (Causes.unwrap(error) instanceof PartlyPublishedException partly) {
                requestIds.settle(caller, count, partly.answers(), partly.errors());
            } else {
                requestIds.settle(caller, count, java.util.Collections.nCopies(targets, null),
                        java.util.Collections.nCopies(targets, error));
            }
            throw Stages.wrapped(requestIds.refusal(caller, count, error));
        });
    }

    /** A target's answer when the store failed on it alone: what its error means, and what to do. */
    private static TargetResult failedInStore(BatchTarget entry, Throwable error) {
        if (error instanceof NewRequestIdRefusedException) {
            return TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.TOO_MANY_REQUEST_IDS,
                    "Nothing was published for this target: its application made the service remember its most"
                            + " request ids of this 5-minute window (max-request-ids-per-application). Resend it with"
                            + " the same request id once the window ends (a few minutes), or ask the operators to"
                            + " raise the bound.");
        }
        if (error instanceof StoreFullException) {
            return TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.STORE_FULL,
                    "The service's store is out of memory and refused this target's write; nothing was queued for"
                            + " it. The targets answered with sessions were queued: retry only the failed ones later.");
        }
        if (error instanceof StoreOutcomeUnknownException) {
            return TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.STORE_TIMEOUT,
                    "The service's store did not answer for this target; it may have been delivered. Retry it with"
                            + " the same request id (delivered at most once); the targets answered with sessions"
                            + " were queued.");
        }
        if (error instanceof StoreUnavailableException) {
            return TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.STORE_UNAVAILABLE,
                    "The service could not reach its store for this target; nothing was queued for it. The targets"
                            + " answered with sessions were queued: retry only the failed ones shortly.");
        }
        log.error("a batch target failed", error);
        return TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.INTERNAL_ERROR,
                "The service failed on this target; it logged why. The targets answered with sessions were queued.");
    }

    /**
     * The most {@code targets} can queue; each one's message bytes into {@code bytes}. A message
     * for all is one string: it is measured once.
     */
    private long worstCase(List<PublishTarget> targets, long[] bytes) {
        long worstCase = 0;
        String measured = null;
        long size = 0;
        for (int i = 0; i < targets.size(); i++) {
            PublishTarget target = targets.get(i);
            if (target.message() != measured) {
                measured = target.message();
                size = Utf8.length(measured);
            }
            bytes[i] = size;
            worstCase += charges.worstCase(target.sessionId(), size);
        }
        return worstCase;
    }

    /**
     * The bytes the store queued: each target's message bytes times the sessions that took it in
     * this call (none for a repeat of a request id's publish: its bytes were charged the first time).
     */
    private static long queued(List<Optional<Publication>> answers, long[] bytes) {
        long queued = 0;
        for (int i = 0; i < answers.size(); i++) {
            Optional<Publication> answer = answers.get(i);
            if (answer != null && answer.isPresent()) {
                queued += bytes[i] * answer.get().queuedNow();
            }
        }
        return queued;
    }

    /**
     * One result per entry: the refused ones' errors, the others' {@code answers} in order (those
     * the store failed on, in {@code errors} if not null, their store error).
     */
    private List<TargetResult> results(List<BatchTarget> entries, List<Optional<Publication>> answers,
            List<Throwable> errors) {
        List<TargetResult> results = new ArrayList<>(entries.size());
        int next = 0;
        for (BatchTarget entry : entries) {
            if (!entry.publishable()) {
                results.add(TargetResult.failed(entry.socketId(), entry.sessionId(), entry.error(),
                        entry.errorMessage()));
                continue;
            }
            Throwable error = errors == null ? null : errors.get(next);
            Optional<Publication> answer = answers.get(next++);
            if (error != null) {
                results.add(failedInStore(entry, error));
                continue;
            }
            if (answer.isEmpty()) {
                results.add(TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.SOCKET_NOT_FOUND, null));
                continue;
            }
            Publication publication = PushOperations.recorded(metrics, answer.get());
            if (entry.sessionId() == null) {
                results.add(TargetResult.published(entry.socketId(), null, publication.queued(),
                        publication.queueFull()));
                continue;
            }
            results.add(switch (publication.deliveries().get(0).result()) {
                case QUEUED -> TargetResult.published(entry.socketId(), entry.sessionId(), 1, 0);
                case QUEUE_FULL -> TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.QUEUE_FULL,
                        null);
                case NOT_FOUND, CLOSED -> TargetResult.failed(entry.socketId(), entry.sessionId(),
                        ErrorCodes.SESSION_NOT_FOUND, null);
            });
        }
        return results;
    }

    /** Each published target's outcome, as a single publish's would be; refused entries are not counted. */
    private void recordBatch(List<TargetResult> results, long nanos) {
        int overflows = 0;
        for (TargetResult result : results) {
            PublishOutcome outcome;
            if (result.ok()) {
                overflows += result.queueFull();
                outcome = result.sessions() == 0 && result.queueFull() > 0 ? PublishOutcome.QUEUE_FULL
                        : PublishOutcome.OK;
            } else if (result.error().equals(ErrorCodes.QUEUE_FULL)) {
                overflows++;
                outcome = PublishOutcome.QUEUE_FULL;
            } else if (result.error().equals(ErrorCodes.SOCKET_NOT_FOUND)
                    || result.error().equals(ErrorCodes.SESSION_NOT_FOUND)) {
                outcome = PublishOutcome.NOT_FOUND;
            } else {
                // Refused entries are not counted; targets the store failed on were, as errors.
                continue;
            }
            metrics.published(outcome, nanos);
        }
        if (overflows > 0) {
            metrics.queueOverflows(overflows);
        }
    }

    /** Completes when no caller is named or every live socket of {@code targets} is the caller's; else 403. */
    private CompletionStage<Void> allOwnedBy(Optional<Application> caller, List<PublishTarget> targets) {
        if (caller.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Set<String> socketIds = new LinkedHashSet<>();
        targets.forEach(target -> socketIds.add(target.socketId()));
        // One read per Cluster slot on Redis (a find per socket cost a batch of 1000 sockets 1000 runs).
        return sockets.owners(socketIds).thenAccept(owners -> {
            // A socket not found is answered so by the publish itself.
            String name = caller.get().name();
            if (owners.values().stream().anyMatch(owner -> !owner.equals(name))) {
                throw BearerAuth.wrongApplication();
            }
        });
    }
}

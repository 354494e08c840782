package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.common.api.RevokeResponse;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.Utf8;
import io.wildcloud.ws.push.Application;
import io.wildcloud.ws.push.NewRequestIdRefusedException;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishBudget;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.PushMetrics.PublishOutcome;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.push.RequestIdQuotaExceededException;
import io.wildcloud.ws.push.SocketRecord;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API does, apart from HTTP: authorize, revoke and publish over the socket store and the
 * session store. Stages fail with {@link ApiException} for answers the client can act on, and with
 * the stores' own exceptions otherwise.
 *
 * <p>Every publish is charged to its application's {@link PublishBudget} (the caller's, or
 * {@link PublishBudget#ANONYMOUS} without a bearer token) by {@link PublishCharges}.
 */
public final class PushOperations {

    private static final Logger log = LoggerFactory.getLogger(PushOperations.class);
    private static final SockJsFrame REVOKED = SockJsFrame.close(CloseCodes.SOCKET_REVOKED,
            CloseCodes.SOCKET_REVOKED_REASON);

    private final SocketStore sockets;
    private final SessionStore sessions;
    private final PushMetrics metrics;
    private final BatchPublish batches;
    private final PublishCharges charges;
    private final RequestIdCounts requestIds;

    public PushOperations(SocketStore sockets, SessionStore sessions) {
        this(sockets, sessions, PushMetrics.NONE);
    }

    public PushOperations(SocketStore sockets, SessionStore sessions, PushMetrics metrics) {
        this(sockets, sessions, metrics, PushLimits.defaults());
    }

    /** Publishes charged to a {@link PublishBudget} of {@code limits}, a socket counted as its session limit. */
    public PushOperations(SocketStore sockets, SessionStore sessions, PushMetrics metrics, PushLimits limits) {
        this.sockets = sockets;
        this.sessions = sessions;
        this.metrics = metrics;
        this.charges = new PublishCharges(PublishBudget.of(limits), limits.maxSessionsPerSocket(), metrics);
        this.requestIds = new RequestIdCounts(sockets, limits.maxRequestIdsPerApplication());
        this.batches = new BatchPublish(sockets, metrics, charges, requestIds);
    }

    public CompletionStage<AuthorizeResponse> authorize(Application application, String clientId, URI callback) {
        return sockets.authorize(application.name(), clientId, callback).thenApply(authorization -> {
            if (authorization.created()) {
                log.info("socket {} authorized for application {} (client {})", LogTag.of(authorization.socket().socketId()),
                        application.name(), clientId);
            }
            return new AuthorizeResponse(authorization.socket().socketId());
        });
    }

    /** Forgets the client's socket, then closes its sessions with {@link CloseCodes#SOCKET_REVOKED}. */
    public CompletionStage<RevokeResponse> revoke(Application application, String clientId) {
        return sockets.revoke(application.name(), clientId).thenCompose(found -> {
            if (found.isEmpty()) {
                throw ApiException.notFound(ErrorCodes.SOCKET_NOT_FOUND,
                        "This client has no socket; authorize it first.");
            }
            String socketId = found.get().socket().socketId();
            List<CompletableFuture<Boolean>> closes = new ArrayList<>();
            for (String sessionId : found.get().sessionIds()) {
                closes.add(sessions.close(new SessionKey(socketId, sessionId), REVOKED).toCompletableFuture());
            }
            return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).thenApply(done -> {
                int closed = (int) closes.stream().filter(CompletableFuture::join).count();
                metrics.sessionsRevoked(closed);
                log.info("socket {} revoked by application {} (client {}), {} session(s) closed", LogTag.of(socketId),
                        application.name(), clientId, closed);
                return new RevokeResponse(socketId, closed);
            });
        });
    }

    /**
     * Queues {@code message} for every session in the socket's index. Sessions that turn out to be
     * gone are dropped from the index (by the store) and not counted; full queues are counted apart.
     */
    public CompletionStage<PublishResponse> publish(String socketId, String message) {
        return publish(Optional.empty(), socketId, null, message, null);
    }

    /**
     * {@link #publish(String, String)} when {@code sessionId} is {@code null}, else
     * {@link #publish(String, String, String)}, by {@code caller} when a bearer token named one:
     * then the socket must be that application's (403 otherwise), which costs one lookup first. A
     * {@code requestId} (or {@code null}) makes a repeat within {@link SocketStore#REQUEST_ID_WINDOW}
     * queue nothing and answer as the first did, and counts against the caller's remembered request
     * ids ({@link RequestIdCounts}: 429 past them, unless a repeat). Charged to the caller's budget first
     * ({@link PublishCharges}: 413 or 429 before the store), settled with what was queued (nothing
     * for such a repeat).
     */
    public CompletionStage<PublishResponse> publish(Optional<Application> caller, String socketId, String sessionId,
            String message, String requestId) {
        long bytes = Utf8.length(message);
        PublishBudget.Reservation reservation;
        try {
            reservation = charges.reserve(caller, charges.worstCase(sessionId, bytes), 1);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<PublishResponse> published;
        try {
            // No owner to check: straight to the store, one stage fewer per publish; a failure
            // is still in the stage, as it was when the store ran after the check.
            if (requestId == null) {
                published = caller.isEmpty()
                        ? publishTo(caller, null, socketId, sessionId, message, null, reservation, bytes)
                        : ownedBy(caller, socketId).thenCompose(owned ->
                                publishTo(caller, null, socketId, sessionId, message, null, reservation, bytes));
            } else {
                published = ownedBy(caller, socketId).thenCompose(owned -> requestIds.count(caller, requestId, 1))
                        .thenCompose(count ->
                                publishTo(caller, count, socketId, sessionId, message, requestId, reservation, bytes));
            }
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e);
        }
        if (Stages.doneNow(published) != null) {
            return published; // settled when the store answered
        }
        // A failure before the store answered (or after: then settled already, and this changes nothing).
        return published.whenComplete((response, error) -> PublishCharges.settle(reservation, error, () -> 0));
    }

    private CompletionStage<PublishResponse> publishTo(Optional<Application> caller, RequestIdCount count,
            String socketId, String sessionId, String message, String requestId,
            PublishBudget.Reservation reservation, long bytes) {
        CompletionStage<Optional<Publication>> stored = stored(caller, count, socketId, sessionId, message, requestId);
        return sessionId == null
                ? publishToAll(stored, reservation, bytes)
                : publishToOne(stored, reservation, bytes);
    }

    /**
     * The store's publish; with a request id counted ({@code count} not null), new only if the
     * count allowed it, the ids not remembered given back and a refusal of a new one answered as
     * the caller's bound.
     */
    private CompletionStage<Optional<Publication>> stored(Optional<Application> caller, RequestIdCount count,
            String socketId, String sessionId, String message, String requestId) {
        if (count == null) {
            return sockets.publish(socketId, sessionId, message, requestId);
        }
        return sockets.publish(socketId, sessionId, message, requestId, RequestIdCounts.newAllowed(count))
                .handle((answer, error) -> {
                    requestIds.settle(caller, count, answer, error);
                    if (error != null) {
                        throw Stages.wrapped(requestIds.refusal(caller, count, error));
                    }
                    return answer;
                });
    }

    private CompletionStage<PublishResponse> publishToAll(CompletionStage<Optional<Publication>> stored,
            PublishBudget.Reservation reservation, long bytes) {
        long started = System.nanoTime();
        Optional<Publication> now = Stages.doneNow(stored);
        if (now != null && now.isPresent()) { // the store answered at once: the same steps, no stages
            PublishResponse response = responseTo(settled(recorded(now.get()), reservation, bytes));
            published(started, response, null);
            return CompletableFuture.completedFuture(response);
        }
        return measured(started, stored.thenApply(found -> responseTo(settled(
                recorded(found.orElseThrow(PushOperations::socketNotFound)), reservation, bytes))));
    }

    private static PublishResponse responseTo(Publication publication) {
        return new PublishResponse(publication.queued(), publication.queueFull());
    }

    /** Settles the publish's charge with what the store queued now (nothing for a request id's repeat). */
    private static Publication settled(Publication publication, PublishBudget.Reservation reservation, long bytes) {
        reservation.settle(bytes * publication.queuedNow());
        return publication;
    }

    /** Queues {@code message} for one session of the socket. */
    public CompletionStage<PublishResponse> publish(String socketId, String sessionId, String message) {
        return publish(Optional.empty(), socketId, sessionId, message, null);
    }

    private CompletionStage<PublishResponse> publishToOne(CompletionStage<Optional<Publication>> stored,
            PublishBudget.Reservation reservation, long bytes) {
        return measured(System.nanoTime(), stored.thenApply(found -> {
            Publication publication = settled(recorded(found.orElseThrow(PushOperations::socketNotFound)),
                    reservation, bytes);
            return switch (publication.deliveries().get(0).result()) {
                case QUEUED -> new PublishResponse(1, 0);
                case QUEUE_FULL -> throw new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, ErrorCodes.QUEUE_FULL,
                        "The session's queue of undelivered messages is full; its client is not reading."
                                + " Retry later or drop the message.");
                case NOT_FOUND, CLOSED -> throw ApiException.notFound(ErrorCodes.SESSION_NOT_FOUND,
                        "The socket has no open session with this id.");
            };
        }));
    }

    /**
     * Publishes a batch: each publishable entry as {@link #publish(Optional, String, String, String, String)}
     * would (one store call for all), each refused entry answered with its error (see {@link BatchPublish}).
     */
    public CompletionStage<PublishBatchResponse> publishBatch(Optional<Application> caller, List<BatchTarget> entries,
            String requestId) {
        return batches.publish(caller, entries, requestId);
    }

    /** Completes when no caller is named or the socket is the caller's; else fails (404, 403). */
    private CompletionStage<Void> ownedBy(Optional<Application> caller, String socketId) {
        if (caller.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return sockets.find(socketId).thenAccept(found -> {
            SocketRecord socket = found.orElseThrow(PushOperations::socketNotFound);
            if (!socket.application().equals(caller.get().name())) {
                throw BearerAuth.wrongApplication();
            }
        });
    }

    private Publication recorded(Publication publication) {
        return recorded(metrics, publication);
    }

    /** Tells the metrics how long each queue that took the message is now. */
    static Publication recorded(PushMetrics metrics, Publication publication) {
        for (Publication.Delivery delivery : publication.deliveries()) {
            if (delivery.result() == EnqueueResult.QUEUED) {
                metrics.queueDepth(delivery.queueLength());
            }
        }
        return publication;
    }

    private CompletionStage<PublishResponse> measured(long started, CompletionStage<PublishResponse> publish) {
        return publish.whenComplete((response, error) -> published(started, response, error));
    }

    /** Tells the metrics how a publish begun at {@code started} ended: {@code response}, or {@code error}. */
    private void published(long started, PublishResponse response, Throwable error) {
        PublishOutcome outcome;
        if (error == null) {
            outcome = response.sessions() == 0 && response.queueFull() > 0 ? PublishOutcome.QUEUE_FULL
                    : PublishOutcome.OK;
            if (response.queueFull() > 0) {
                metrics.queueOverflows(response.queueFull());
            }
        } else {
            outcome = outcome(error);
            if (outcome == PublishOutcome.QUEUE_FULL) {
                metrics.queueOverflows(1);
            }
        }
        metrics.published(outcome, System.nanoTime() - started);
    }

    static PublishOutcome outcome(Throwable error) {
        if (Causes.unwrap(error) instanceof ApiException api) {
            if (api.status().equals(HttpResponseStatus.NOT_FOUND)) {
                return PublishOutcome.NOT_FOUND;
            }
            if (api.status().equals(HttpResponseStatus.TOO_MANY_REQUESTS)) {
                return PublishOutcome.QUEUE_FULL;
            }
        }
        if (Causes.unwrap(error) instanceof RequestIdQuotaExceededException
                || Causes.unwrap(error) instanceof NewRequestIdRefusedException) {
            return PublishOutcome.TOO_MANY_REQUEST_IDS;
        }
        return PublishOutcome.ERROR;
    }

    static ApiException socketNotFound() {
        return ApiException.notFound(ErrorCodes.SOCKET_NOT_FOUND,
                "No live socket has this id; it was never authorized, was revoked or expired. Authorize again.");
    }
}

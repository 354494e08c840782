package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.api.PublishBatchResponse.TargetResult;
import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.common.api.RevokeResponse;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.push.Application;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishTarget;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.PushMetrics.PublishOutcome;
import io.wildcloud.ws.push.SocketRecord;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API does, apart from HTTP: authorize, revoke and publish over the socket store and the
 * session store. Stages fail with {@link ApiException} for answers the client can act on, and with
 * the stores' own exceptions otherwise.
 */
public final class PushOperations {

    private static final Logger log = LoggerFactory.getLogger(PushOperations.class);
    private static final SockJsFrame REVOKED = SockJsFrame.close(CloseCodes.SOCKET_REVOKED,
            CloseCodes.SOCKET_REVOKED_REASON);

    private final SocketStore sockets;
    private final SessionStore sessions;
    private final PushMetrics metrics;

    public PushOperations(SocketStore sockets, SessionStore sessions) {
        this(sockets, sessions, PushMetrics.NONE);
    }

    public PushOperations(SocketStore sockets, SessionStore sessions, PushMetrics metrics) {
        this.sockets = sockets;
        this.sessions = sessions;
        this.metrics = metrics;
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
     * queue nothing and answer as the first did.
     */
    public CompletionStage<PublishResponse> publish(Optional<Application> caller, String socketId, String sessionId,
            String message, String requestId) {
        return ownedBy(caller, socketId).thenCompose(owned -> sessionId == null
                ? publishToAll(socketId, message, requestId)
                : publishToOne(socketId, sessionId, message, requestId));
    }

    private CompletionStage<PublishResponse> publishToAll(String socketId, String message, String requestId) {
        return measured(System.nanoTime(), sockets.publish(socketId, null, message, requestId).thenApply(found -> {
            Publication publication = recorded(found.orElseThrow(PushOperations::socketNotFound));
            return new PublishResponse(publication.queued(), publication.queueFull());
        }));
    }

    /** Queues {@code message} for one session of the socket. */
    public CompletionStage<PublishResponse> publish(String socketId, String sessionId, String message) {
        return publishToOne(socketId, sessionId, message, null);
    }

    private CompletionStage<PublishResponse> publishToOne(String socketId, String sessionId, String message,
            String requestId) {
        return measured(System.nanoTime(), sockets.publish(socketId, sessionId, message, requestId).thenApply(found -> {
            Publication publication = recorded(found.orElseThrow(PushOperations::socketNotFound));
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
     * would (one store call for all, {@link SocketStore#publishAll}), each refused entry answered
     * with its error. With a {@code caller}, every live socket named must be the caller's, else the
     * whole batch fails with 403 and nothing is published: a wrong secret is the caller's bug, not
     * a target's condition, and half a delivered batch would hide it.
     */
    public CompletionStage<PublishBatchResponse> publishBatch(Optional<Application> caller, List<BatchTarget> entries,
            String requestId) {
        List<PublishTarget> targets = new ArrayList<>(entries.size());
        for (BatchTarget entry : entries) {
            if (entry.publishable()) {
                targets.add(entry.target());
            }
        }
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(PublishBatchResponse.of(results(entries, List.of())));
        }
        long started = System.nanoTime();
        return allOwnedBy(caller, targets)
                .thenCompose(owned -> sockets.publishAll(targets, requestId))
                .whenComplete((answers, error) -> {
                    if (error != null) {
                        long nanos = System.nanoTime() - started;
                        for (int i = 0; i < targets.size(); i++) {
                            metrics.published(outcome(error), nanos);
                        }
                    }
                })
                .thenApply(answers -> {
                    List<TargetResult> results = results(entries, answers);
                    recordBatch(results, System.nanoTime() - started);
                    return PublishBatchResponse.of(results);
                });
    }

    /** One result per entry: the refused ones' errors, the others' {@code answers} in order. */
    private List<TargetResult> results(List<BatchTarget> entries, List<Optional<Publication>> answers) {
        List<TargetResult> results = new ArrayList<>(entries.size());
        int next = 0;
        for (BatchTarget entry : entries) {
            if (!entry.publishable()) {
                results.add(TargetResult.failed(entry.socketId(), entry.sessionId(), entry.error(),
                        entry.errorMessage()));
                continue;
            }
            Optional<Publication> answer = answers.get(next++);
            if (answer.isEmpty()) {
                results.add(TargetResult.failed(entry.socketId(), entry.sessionId(), ErrorCodes.SOCKET_NOT_FOUND, null));
                continue;
            }
            Publication publication = recorded(answer.get());
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
        List<CompletableFuture<Optional<SocketRecord>>> found = new ArrayList<>(socketIds.size());
        for (String socketId : socketIds) {
            found.add(sockets.find(socketId).toCompletableFuture());
        }
        return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new)).thenAccept(done -> {
            for (CompletableFuture<Optional<SocketRecord>> socket : found) {
                // A socket not found is answered so by the publish itself.
                if (socket.join().filter(s -> !s.application().equals(caller.get().name())).isPresent()) {
                    throw BearerAuth.wrongApplication();
                }
            }
        });
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

    /** Tells the metrics how long each queue that took the message is now. */
    private Publication recorded(Publication publication) {
        for (Publication.Delivery delivery : publication.deliveries()) {
            if (delivery.result() == EnqueueResult.QUEUED) {
                metrics.queueDepth(delivery.queueLength());
            }
        }
        return publication;
    }

    private CompletionStage<PublishResponse> measured(long started, CompletionStage<PublishResponse> publish) {
        return publish.whenComplete((response, error) -> {
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
        });
    }

    private static PublishOutcome outcome(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiException api) {
            if (api.status().equals(HttpResponseStatus.NOT_FOUND)) {
                return PublishOutcome.NOT_FOUND;
            }
            if (api.status().equals(HttpResponseStatus.TOO_MANY_REQUESTS)) {
                return PublishOutcome.QUEUE_FULL;
            }
        }
        return PublishOutcome.ERROR;
    }

    static ApiException socketNotFound() {
        return ApiException.notFound(ErrorCodes.SOCKET_NOT_FOUND,
                "No live socket has this id; it was never authorized, was revoked or expired. Authorize again.");
    }
}

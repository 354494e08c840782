package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link SockJsSession} handle every service gets: a key and the store, nothing of a
 * connection, so it works the same on the node that holds the receiver and on any other.
 */
public final class StoreBackedSession implements SockJsSession {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StoreBackedSession.class);

    private final SessionKey key;
    private final SessionStore store;
    private final SockJsService service;
    private final SockJsMetrics metrics;

    public StoreBackedSession(SessionKey key, SessionStore store, SockJsService service) {
        this(key, store, service, SockJsMetrics.NONE);
    }

    public StoreBackedSession(SessionKey key, SessionStore store, SockJsService service, SockJsMetrics metrics) {
        this.key = Objects.requireNonNull(key, "key");
        this.store = Objects.requireNonNull(store, "store");
        this.service = Objects.requireNonNull(service, "service");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public String id() {
        return key.sessionId();
    }

    @Override
    public SessionKey key() {
        return key;
    }

    @Override
    public CompletionStage<SessionStatus> status() {
        return store.status(key);
    }

    @Override
    public CompletionStage<EnqueueResult> send(List<String> messages) {
        return store.enqueue(key, messages);
    }

    /**
     * Asks the service to admit this new session; a service that fails refuses it with 1011, so
     * that its client hears why instead of waiting. A refused session is closed in the store
     * before the answer comes, so that every later request of it finds the close.
     */
    CompletionStage<Admission> admit() {
        return service.onOpen(this)
                .exceptionally(error -> {
                    log.warn("{}: service failed on open: {}", this, error.toString());
                    return Admission.refused(CloseCodes.SERVICE_UNAVAILABLE, CloseCodes.SERVICE_UNAVAILABLE_REASON);
                })
                .thenCompose(admission -> admission.isAdmitted()
                        ? CompletableFuture.completedFuture(admission)
                        : close(admission.refusal().closeCode(), admission.refusal().closeReason())
                                .handle((closed, error) -> admission));
    }

    /** Closes in the store; the one caller whose close took effect tells the service. */
    @Override
    public CompletionStage<Boolean> close(int code, String reason) {
        return close(code, reason, code == CloseCodes.CONNECTION_INTERRUPTED
                ? SockJsMetrics.CloseReason.INTERRUPTED : SockJsMetrics.CloseReason.CLOSED);
    }

    /** Closes, counting the close under {@code why} if it took effect. */
    CompletionStage<Boolean> close(int code, String reason, SockJsMetrics.CloseReason why) {
        return store.close(key, SockJsFrame.close(code, reason)).thenApply(closed -> {
            if (closed) {
                metrics.sessionClosed(why);
                service.onClose(this);
            }
            return closed;
        });
    }

    /**
     * Ends the session of a connection that is gone ({@link SessionStore#end}: closed and removed
     * in one step); the service hears of it as of a close.
     */
    CompletionStage<Boolean> end(int code, String reason, SockJsMetrics.CloseReason why) {
        return store.end(key, SockJsFrame.close(code, reason)).thenApply(closed -> {
            if (closed) {
                metrics.sessionClosed(why);
                service.onClose(this);
            }
            return closed;
        });
    }

    @Override
    public String toString() {
        return "session " + key;
    }
}

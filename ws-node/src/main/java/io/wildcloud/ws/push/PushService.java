package io.wildcloud.ws.push;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.push.PushMetrics.SessionRefusal;
import io.wildcloud.ws.push.callback.CallbackDispatcher;
import io.wildcloud.ws.push.callback.CallbackTarget;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS service behind every socket; a session's scope is its socket id.
 *
 * <ul>
 *   <li>Open: the session joins its socket's index, which publishing fans out to, before its
 *       open frame leaves the node. Over the socket's session limit it is refused (closed instead
 *       of opened) with {@link CloseCodes#TOO_MANY_SESSIONS}; if the socket is gone, with
 *       {@link CloseCodes#SOCKET_UNKNOWN}; if the store is unreachable, with
 *       {@link CloseCodes#SERVICE_UNAVAILABLE}.</li>
 *   <li>Messages: POSTed to the socket's callback by the {@link CallbackDispatcher}; the stage
 *       completes once they are settled, so the client's next send (on whatever node) comes after
 *       them and the application sees a session's messages in order. If the socket is gone the
 *       messages are dropped and the session closed with {@link CloseCodes#SOCKET_UNKNOWN}.</li>
 *   <li>Close: the session leaves the index.</li>
 * </ul>
 */
public final class PushService implements SockJsService {

    private static final Logger log = LoggerFactory.getLogger(PushService.class);

    private final SocketStore sockets;
    private final ApplicationRegistry applications;
    private final CallbackDispatcher callbacks;
    private final int maxSessionsPerSocket;
    private final SessionOpenings openings;
    private final SockJsFrame tooManyOpenings;
    private final PushMetrics metrics;

    public PushService(SocketStore sockets, ApplicationRegistry applications, CallbackDispatcher callbacks,
            PushLimits limits, PushMetrics metrics) {
        this.sockets = sockets;
        this.metrics = metrics;
        this.applications = applications;
        this.callbacks = callbacks;
        this.maxSessionsPerSocket = limits.maxSessionsPerSocket();
        this.openings = new SessionOpenings(limits.newSessionsPerSecond(), limits.newSessionBurst());
        this.tooManyOpenings = SockJsFrame.close(CloseCodes.MESSAGE_RATE_EXCEEDED, CloseCodes.NEW_SESSIONS_EXCEEDED_REASON
                + ": at most " + limits.newSessionsPerSecond() + " a second, " + limits.newSessionBurst() + " at once");
        sockets.expectSessionLimit(maxSessionsPerSocket);
    }

    @Override
    public CompletionStage<Admission> onOpen(SockJsSession session) {
        if (!openings.tryOpen(session.key().scope())) {
            log.debug("{} refused: its socket opens sessions too fast", session.key());
            metrics.sessionRefused(SessionRefusal.OPENING_TOO_FAST);
            return CompletableFuture.completedFuture(new Admission(tooManyOpenings));
        }
        return sockets.addSession(session.key().scope(), session.id(), maxSessionsPerSocket).handle((result, error) -> {
            if (error != null) {
                log.warn("{} could not join its socket's index: {}", session.key(), error.toString());
                metrics.sessionRefused(SessionRefusal.STORE_UNAVAILABLE);
                return Admission.refused(CloseCodes.SERVICE_UNAVAILABLE, CloseCodes.SERVICE_UNAVAILABLE_REASON);
            }
            return switch (result) {
                case ADDED -> {
                    log.debug("{} opened", session.key());
                    yield Admission.admitted();
                }
                case LIMIT_REACHED -> {
                    log.info("{} refused: the socket already has {} sessions", session.key(), maxSessionsPerSocket);
                    metrics.sessionRefused(SessionRefusal.TOO_MANY_SESSIONS);
                    yield Admission.refused(CloseCodes.TOO_MANY_SESSIONS, CloseCodes.TOO_MANY_SESSIONS_REASON);
                }
                case SOCKET_NOT_FOUND -> {
                    metrics.sessionRefused(SessionRefusal.SOCKET_UNKNOWN);
                    yield Admission.refused(CloseCodes.SOCKET_UNKNOWN, CloseCodes.SOCKET_UNKNOWN_REASON);
                }
            };
        });
    }

    /**
     * Refuses a socket opening too fast before its session is created, and sets an opening aside
     * for one it admits: {@link #onOpen} or {@link #createdUnused} takes it, {@link #notCreated}
     * gives it back.
     */
    @Override
    public Admission beforeCreate(SessionKey key) {
        if (openings.reserve(key.scope())) {
            return Admission.admitted();
        }
        log.debug("{} refused before creation: its socket opens sessions too fast", key);
        metrics.sessionRefused(SessionRefusal.OPENING_TOO_FAST);
        return new Admission(tooManyOpenings);
    }

    @Override
    public void notCreated(SessionKey key) {
        openings.giveBack(key.scope());
    }

    @Override
    public void createdUnused(SessionKey key) {
        openings.tryOpen(key.scope()); // takes the opening set aside for it
    }

    /** A websocket's messages: its session is held by the connection, so only the socket is read. */
    @Override
    public CompletionStage<Void> onMessages(SockJsSession session, List<String> messages) {
        return sockets.touchForSession(session.key().scope()).thenCompose(found -> deliver(session, found, messages));
    }

    /** An xhr_send's or jsonp_send's messages: the session's status and its socket in one store call. */
    @Override
    public CompletionStage<SessionStatus> onSend(SockJsSession session, List<String> messages) {
        if (messages.isEmpty()) {
            return session.status();
        }
        return sockets.use(session.key()).thenCompose(use -> use.session() != SessionStatus.OPEN
                ? CompletableFuture.completedFuture(use.session())
                : deliver(session, use.socket(), messages).thenApply(taken -> SessionStatus.OPEN));
    }

    private CompletionStage<Void> deliver(SockJsSession session, Optional<SocketRecord> found, List<String> messages) {
        if (found.isEmpty()) {
            log.info("{} sent {} message(s) to a socket that is gone; dropped, closing the session",
                    session.key(), messages.size());
            session.close(CloseCodes.SOCKET_UNKNOWN, CloseCodes.SOCKET_UNKNOWN_REASON);
            return CompletableFuture.completedFuture(null);
        }
        SocketRecord socket = found.get();
        Application application = applications.byName(socket.application()).orElse(null);
        if (application == null) {
            log.warn("{} belongs to application {} which this node does not know; {} message(s) dropped",
                    session.key(), socket.application(), messages.size());
            return CompletableFuture.completedFuture(null);
        }
        CallbackTarget target = new CallbackTarget(socket.callback(), application.name(), application.secretId(),
                socket.socketId(), socket.clientId());
        return callbacks.dispatch(session.key(), target, messages);
    }

    @Override
    public void onClose(SockJsSession session) {
        sockets.removeSession(session.key().scope(), session.id()).whenComplete((removed, error) -> {
            if (error != null) {
                // The index heals itself: publishing drops sessions that are gone.
                log.debug("{} could not leave its socket's index: {}", session.key(), error.toString());
            } else {
                log.debug("{} closed", session.key());
            }
        });
    }
}

package io.wildcloud.ws.engine;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.push.Authorization;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishTarget;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.push.Revocation;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.push.SocketPresence;
import io.wildcloud.ws.push.SocketRecord;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketUse;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * An {@link Engine} whose session operations one part serves and whose socket operations
 * (publish among them) another, both over the engine's one set of data: the engine wires the
 * parts and hands each what it needs, so neither reaches into the other.
 */
public abstract class AbstractEngine implements Engine {

    private final SessionStore sessions;
    private final SocketStore sockets;

    protected AbstractEngine(SessionStore sessions, SocketStore sockets) {
        this.sessions = sessions;
        this.sockets = sockets;
    }

    @Override
    public CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver) {
        return sessions.claim(key, mode, creation, receiver);
    }

    @Override
    public CompletionStage<Void> acknowledge(SessionKey key, ReceiverId receiver, long deliveredSeq) {
        return sessions.acknowledge(key, receiver, deliveredSeq);
    }

    @Override
    public CompletionStage<Void> release(SessionKey key, ReceiverId receiver, long deliveredSeq,
            Duration disconnectDelay) {
        return sessions.release(key, receiver, deliveredSeq, disconnectDelay);
    }

    @Override
    public CompletionStage<EnqueueResult> enqueue(SessionKey key, List<String> messages) {
        return sessions.enqueue(key, messages);
    }

    @Override
    public CompletionStage<Boolean> close(SessionKey key, SockJsFrame closeFrame) {
        return sessions.close(key, closeFrame);
    }

    @Override
    public CompletionStage<Void> delete(SessionKey key) {
        return sessions.delete(key);
    }

    @Override
    public CompletionStage<Boolean> end(SessionKey key, SockJsFrame closeFrame) {
        return sessions.end(key, closeFrame);
    }

    @Override
    public CompletionStage<SessionStatus> status(SessionKey key) {
        return sessions.status(key);
    }

    @Override
    public int maxQueueLength() {
        return sessions.maxQueueLength();
    }

    @Override
    public int maxQueueBytes() {
        return sessions.maxQueueBytes();
    }

    @Override
    public void setExpiryListener(SessionExpiryListener listener) {
        sessions.setExpiryListener(listener);
    }

    @Override
    public CompletionStage<Authorization> authorize(String application, String clientId, URI callback) {
        return sockets.authorize(application, clientId, callback);
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> find(String socketId) {
        return sockets.find(socketId);
    }

    @Override
    public CompletionStage<Map<String, String>> owners(Collection<String> socketIds) {
        return sockets.owners(socketIds);
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> findForSession(String socketId) {
        return sockets.findForSession(socketId);
    }

    @Override
    public CompletionStage<SocketPresence> presence(String socketId, String sessionId) {
        return sockets.presence(socketId, sessionId);
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> touch(String socketId) {
        return sockets.touch(socketId);
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> touchForSession(String socketId) {
        return sockets.touchForSession(socketId);
    }

    @Override
    public CompletionStage<SocketUse> use(SessionKey session) {
        return sockets.use(session);
    }

    @Override
    public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId) {
        return sockets.publish(socketId, sessionId, message, requestId);
    }

    @Override
    public CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId) {
        return sockets.publishAll(targets, requestId);
    }

    @Override
    public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId, boolean newRequestId) {
        return sockets.publish(socketId, sessionId, message, requestId, newRequestId);
    }

    @Override
    public CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId,
            boolean newRequestId) {
        return sockets.publishAll(targets, requestId, newRequestId);
    }

    @Override
    public CompletionStage<RequestIdCount> countRequestIds(String application, int count, long max) {
        return sockets.countRequestIds(application, count, max);
    }

    @Override
    public void uncountRequestIds(String application, long window, int count) {
        sockets.uncountRequestIds(application, window, count);
    }

    @Override
    public CompletionStage<Optional<Revocation>> revoke(String application, String clientId) {
        return sockets.revoke(application, clientId);
    }

    @Override
    public CompletionStage<SessionRegistration> addSession(String socketId, String sessionId, int maxSessions) {
        return sockets.addSession(socketId, sessionId, maxSessions);
    }

    @Override
    public void expectSessionLimit(int maxSessions) {
        sockets.expectSessionLimit(maxSessions);
    }

    @Override
    public CompletionStage<Boolean> removeSession(String socketId, String sessionId) {
        return sockets.removeSession(socketId, sessionId);
    }
}

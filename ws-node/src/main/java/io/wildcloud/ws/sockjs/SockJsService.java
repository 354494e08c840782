package io.wildcloud.ws.sockjs;

import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What an application of the SockJS layer implements: the push service, or the protocol-test
 * services. The transports call it; it answers through the {@link SockJsSession} handle, which
 * works on every node, so the service never needs to know where the session's receiver is.
 *
 * <p>Methods are called on a Netty event loop or a store thread and must not block.
 */
public interface SockJsService {

    /**
     * A session was created. Called once, on one node, before anything reaches the client: the
     * transport writes the open frame only when the returned stage completes admitted, so
     * whatever makes the session reachable (joining an index that publishes fan out to) must be
     * done by then. A refused session is closed with the refusal's frame, which the client gets
     * instead of the open frame; a failed stage refuses it with 4503 (service unavailable).
     */
    CompletionStage<Admission> onOpen(SockJsSession session);

    /**
     * A first look at a session certain to be new (a websocket's), before the store creates it: a
     * refusal here costs the store nothing, where one from {@link #onOpen} costs the writes that
     * created and closed the session. Must not block. It may set aside what opening the session
     * costs, so that sessions arriving together are counted before any is created: for a session
     * this admits the transport then calls either {@link #onOpen} (created; {@link #onOpen} still
     * decides) or {@link #notCreated} (not created), once. The default admits every session.
     */
    default Admission beforeCreate(SessionKey key) {
        return Admission.admitted();
    }

    /**
     * A session {@link #beforeCreate} admitted was not created (its claim found no endpoint, or
     * failed, or its client left first): give back what {@link #beforeCreate} set aside.
     */
    default void notCreated(SessionKey key) {
    }

    /**
     * A session {@link #beforeCreate} admitted will not open, yet the store did or may have done
     * the work of creating it (its client left after the claim created it, or the claim's answer
     * was lost in a stall): what was set aside stays spent, or a client dropping its websockets
     * before their claims answer would make the store create sessions past every limit.
     */
    default void createdUnused(SessionKey key) {
    }

    /**
     * Messages the client sent, in the order sent. The returned stage completes when the service
     * has taken them on; an {@code xhr_send} or {@code jsonp_send} is acknowledged only then, which
     * keeps a session's messages in order even when its sends land on different nodes.
     */
    CompletionStage<Void> onMessages(SockJsSession session, List<String> messages);

    /**
     * What an {@code xhr_send} or {@code jsonp_send} brings: messages for a session that may be
     * missing or closed. Passes them to {@link #onMessages} only if the session is open (a closed
     * session drops what it gets) and answers the status found, which the transport answers by
     * (404 for a missing session). The default reads the status, then calls {@link #onMessages}: two
     * trips to the store; a service whose store reads both in one overrides it.
     */
    default CompletionStage<SessionStatus> onSend(SockJsSession session, List<String> messages) {
        return session.status().thenCompose(status -> status != SessionStatus.OPEN || messages.isEmpty()
                ? CompletableFuture.completedFuture(status)
                : onMessages(session, messages).thenApply(taken -> status));
    }

    /**
     * The session ended: closed by either side, interrupted, or expired after its disconnect delay.
     * Called at most once per session, on the node that saw the end.
     */
    void onClose(SockJsSession session);
}

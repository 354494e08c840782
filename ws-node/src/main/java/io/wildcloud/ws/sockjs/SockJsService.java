package io.wildcloud.ws.sockjs;

import java.util.List;
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
     * Messages the client sent, in the order sent. The returned stage completes when the service
     * has taken them on; an {@code xhr_send} or {@code jsonp_send} is acknowledged only then, which
     * keeps a session's messages in order even when its sends land on different nodes.
     */
    CompletionStage<Void> onMessages(SockJsSession session, List<String> messages);

    /**
     * The session ended: closed by either side, interrupted, or expired after its disconnect delay.
     * Called at most once per session, on the node that saw the end.
     */
    void onClose(SockJsSession session);
}

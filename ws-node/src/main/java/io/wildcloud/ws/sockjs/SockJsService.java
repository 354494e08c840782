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

    /** A session was created; its open frame is on its way to the client. Called once, on one node. */
    void onOpen(SockJsSession session);

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

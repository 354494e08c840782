package io.wildcloud.ws.sockjs;

import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A handle on one session, usable from any node: sending queues the messages in the session store
 * and wakes the session's receiver wherever it is. Cheap to create; holds no connection.
 */
public interface SockJsSession {

    /** The session id, as the client chose it. */
    String id();

    /** The store key: the service's scope and the session id. */
    SessionKey key();

    /** The session's status in the store. */
    CompletionStage<SessionStatus> status();

    /** Queues messages for the client, in order. */
    CompletionStage<EnqueueResult> send(List<String> messages);

    /** Queues one message for the client. */
    default CompletionStage<EnqueueResult> send(String message) {
        return send(List.of(message));
    }

    /**
     * Closes the session with a {@code c[code,"reason"]} frame. Completes with {@code false} if it
     * was not open.
     */
    CompletionStage<Boolean> close(int code, String reason);
}

package io.wildcloud.ws.push;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The session handle as the SockJS layer gives it: everything goes through the session store. */
record StoreSessionHandle(SessionKey key, SessionStore store) implements SockJsSession {

    @Override
    public String id() {
        return key.sessionId();
    }

    @Override
    public CompletionStage<SessionStatus> status() {
        return store.status(key);
    }

    @Override
    public CompletionStage<EnqueueResult> send(List<String> messages) {
        return store.enqueue(key, messages);
    }

    @Override
    public CompletionStage<Boolean> close(int code, String reason) {
        return store.close(key, SockJsFrame.close(code, reason));
    }
}

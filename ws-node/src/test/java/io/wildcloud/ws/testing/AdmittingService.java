package io.wildcloud.ws.testing;

import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A SockJS service that admits every session and takes every message at once (tests override what they watch). */
public interface AdmittingService extends SockJsService {

    @Override
    default CompletionStage<Admission> onOpen(SockJsSession session) {
        return CompletableFuture.completedFuture(Admission.admitted());
    }

    @Override
    default CompletionStage<Void> onMessages(SockJsSession session, List<String> messages) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    default void onClose(SockJsSession session) {
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.Publication.Delivery;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The engine's publish ({@link SocketStore#publish}): publish.lua over a socket and its sessions'
 * queues, in one script run through the {@link ScriptPipeline}, which merges the publishes that
 * wait for the same round trip. A socket's keys and its sessions' keys share the socket id's hash
 * tag, so on a Redis Cluster the run stays in one slot.
 */
final class RedisPublisher {

    /** publish.lua's status codes, by value. */
    private static final EnqueueResult[] PUBLISH_STATUS = {EnqueueResult.QUEUED, EnqueueResult.NOT_FOUND,
            EnqueueResult.CLOSED, EnqueueResult.QUEUE_FULL};

    private final RedisRuntime runtime;
    private final SocketLifetime lifetime;
    private final RenewalChecks renewalChecks;
    /** The arguments every publish shares, so that the pipeline may merge any of them. */
    private final Object[] shared;

    RedisPublisher(RedisRuntime runtime, SocketLifetime lifetime) {
        this.runtime = runtime;
        this.lifetime = lifetime;
        this.renewalChecks = new RenewalChecks(lifetime.renewalSlackMillis, System::nanoTime);
        this.shared = new Object[] {runtime.replies().ttlMillis(), SocketStore.REQUEST_ID_WINDOW.toMillis(),
                lifetime.idleMillis, lifetime.renewalSlackMillis, runtime.config().maxQueueLength(),
                runtime.publishCommand()};
    }

    /** As {@link SocketStore#publish(String, String, String, String)}. */
    CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId) {
        long started = renewalChecks.now();
        boolean checkTtl = renewalChecks.due(socketId, started);
        return run(socketId, message, sessionId, checkTtl,
                        requestId == null ? "" : RequestDigest.of(requestId, sessionId, message))
                .thenApply(reply -> {
                    if (reply == null || reply.isEmpty()) {
                        renewalChecks.forget(socketId);
                        return Optional.<Publication>empty();
                    }
                    if (checkTtl) {
                        renewalChecks.checked(socketId, started);
                    }
                    lifetime.renewClientIfTold(reply, 2);
                    List<Delivery> deliveries = new ArrayList<>((reply.size() - 3) / 3);
                    for (int i = 3; i + 2 < reply.size(); i += 3) {
                        deliveries.add(new Delivery((String) reply.get(i),
                                PUBLISH_STATUS[((Long) reply.get(i + 1)).intValue()],
                                ((Long) reply.get(i + 2)).intValue()));
                    }
                    return Optional.of(new Publication(deliveries));
                })
                .exceptionallyCompose(error -> StoreErrors.failedWrite("publish " + LogTag.of(socketId), error));
    }

    /**
     * Submits one publish.lua call: the socket's keys, the request's reply key if any, and the one
     * session's keys if the publish is to one session (see the script's header for why the keys
     * of the sessions in the socket's index are not passed).
     *
     * @param sessionId the one session to publish to, or {@code null} for the socket's index
     * @param checkTtl whether to check (and renew) the socket's TTL; see {@link RenewalChecks}
     * @param requestDigest the application's request id made into a key name, or {@code ""}
     */
    private CompletionStage<List<Object>> run(String socketId, String message, String sessionId, boolean checkTtl,
            String requestDigest) {
        RedisKeys keys = runtime.keys();
        List<Object> socketKeys = keys.socketKeys(socketId);
        List<Object> scriptKeys = new ArrayList<>(6);
        scriptKeys.add(socketKeys.get(0));
        scriptKeys.add(socketKeys.get(1));
        scriptKeys.add(keys.channel(socketId));
        if (!requestDigest.isEmpty()) {
            scriptKeys.add(keys.reply(socketId, requestDigest));
        }
        if (sessionId != null) {
            SessionKey session = new SessionKey(socketId, sessionId);
            scriptKeys.add(keys.session(session));
            scriptKeys.add(keys.queue(session));
        }
        // On a Cluster only publishes to one socket share a run (its keys' slot); elsewhere any do.
        return runtime.pipeline().submitMerging(runtime.scripts().publish, runtime.cluster() ? socketId : "",
                socketId, scriptKeys, shared, sessionId == null ? keys.scopePrefix(socketId) : "", message,
                sessionId == null ? "" : sessionId, checkTtl ? "1" : "0", requestDigest.isEmpty() ? "0" : "1");
    }
}

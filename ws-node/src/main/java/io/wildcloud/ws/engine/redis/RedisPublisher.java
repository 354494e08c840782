package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.NewRequestIdRefusedException;
import io.wildcloud.ws.push.PartlyPublishedException;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.Publication.Delivery;
import io.wildcloud.ws.push.PublishTarget;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.Causes;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The engine's publish ({@link SocketStore#publish}): publish.lua over a socket and its sessions'
 * queues, in one script run through the {@link ScriptPipeline}, which merges the publishes that
 * wait for the same round trip. A socket's keys and its sessions' keys share the socket id's hash
 * tag, so on a Redis Cluster the run stays in one slot. A batch ({@link #publishAll}) runs one
 * script per slot.
 */
final class RedisPublisher {

    /** publish.lua's status codes, by value. */
    private static final EnqueueResult[] PUBLISH_STATUS = {EnqueueResult.QUEUED, EnqueueResult.NOT_FOUND,
            EnqueueResult.CLOSED, EnqueueResult.QUEUE_FULL};

    /**
     * Targets of a batch in one run at most: Redis runs nothing else meanwhile, so a run is kept
     * to a millisecond or two (about 5 microseconds per target and session).
     */
    static final int MAX_RUN_TARGETS = 256;
    /** Characters of messages in one run at most, so that one command stays small. */
    static final long MAX_RUN_MESSAGE_BYTES = 1 << 20;

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
                lifetime.idleMillis, lifetime.renewalSlackMillis, runtime.config().queueBoundArgument(),
                runtime.config().keyPrefix()};
    }

    /** As {@link SocketStore#publish(String, String, String, String)}. */
    CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId, boolean newRequestId) {
        Part part = part(new PublishTarget(socketId, sessionId, message), requestId, newRequestId);
        // On a Cluster only publishes to one socket share a run (its keys' slot); elsewhere any do.
        CompletionStage<List<Object>> reply = runtime.pipeline().submitMerging(runtime.scripts().publish,
                runtime.cluster() ? socketId : "", socketId, part.keys(), shared, part.args());
        return answered(part, reply);
    }

    /**
     * As {@link SocketStore#publishAll}: the targets grouped by Cluster slot (one group on a single
     * Redis), each group in one publish.lua run of up to {@link #MAX_RUN_TARGETS} targets and
     * {@link #MAX_RUN_MESSAGE_BYTES} of messages, submitted in the order of their first target.
     * Targets of one socket share its slot, so they keep their order within their group's run.
     */
    CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId,
            boolean newRequestId) {
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            int slot = runtime.cluster() ? ClusterSlots.of(runtime.keys().scopePrefix(targets.get(i).socketId())) : 0;
            groups.computeIfAbsent(slot, s -> new ArrayList<>()).add(i);
        }
        List<CompletableFuture<Optional<Publication>>> answers = new ArrayList<>(
                java.util.Collections.nCopies(targets.size(), null));
        for (List<Integer> group : groups.values()) {
            int from = 0;
            while (from < group.size()) {
                int to = from;
                long bytes = 0;
                while (to < group.size() && to - from < MAX_RUN_TARGETS
                        && (to == from || bytes + targets.get(group.get(to)).message().length() <= MAX_RUN_MESSAGE_BYTES)) {
                    bytes += targets.get(group.get(to)).message().length();
                    to++;
                }
                submitRun(targets, group.subList(from, to), requestId, newRequestId, answers);
                from = to;
            }
        }
        // A later run may fail (Redis out of memory, a Cluster master down) after an earlier one queued.
        return PartlyPublishedException.gather(answers);
    }

    /** One publish.lua run for {@code targets} at {@code indexes}; their answers go to {@code answers}. */
    private void submitRun(List<PublishTarget> targets, List<Integer> indexes, String requestId,
            boolean newRequestId, List<CompletableFuture<Optional<Publication>>> answers) {
        List<Part> parts = new ArrayList<>(indexes.size());
        List<List<Object>> keys = new ArrayList<>(indexes.size());
        List<Object[]> args = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            Part part = part(targets.get(index), requestId, newRequestId);
            parts.add(part);
            keys.add(part.keys());
            args.add(part.args());
        }
        List<CompletableFuture<List<Object>>> replies = runtime.pipeline().submitRun(runtime.scripts().publish,
                runtime.replies().next(parts.get(0).socketId()), keys, shared, args);
        for (int i = 0; i < parts.size(); i++) {
            answers.set(indexes.get(i), answered(parts.get(i), replies.get(i)).toCompletableFuture());
        }
    }

    /**
     * One publish's keys and own arguments for publish.lua: the socket's keys, the request's reply
     * key if any, and the one session's keys if the publish is to one session (see the script's
     * header for why the keys of the sessions in the socket's index are not passed).
     */
    private Part part(PublishTarget target, String requestId, boolean newRequestId) {
        String socketId = target.socketId();
        String sessionId = target.sessionId();
        String message = target.message();
        long started = renewalChecks.now();
        boolean checkTtl = renewalChecks.due(socketId, started);
        String requestDigest = requestId == null ? "" : RequestDigest.of(requestId, sessionId, message);
        RedisKeys keys = runtime.keys();
        List<Object> socketKeys = keys.socketKeys(socketId);
        List<Object> scriptKeys = new ArrayList<>(6);
        scriptKeys.add(socketKeys.get(0));
        scriptKeys.add(socketKeys.get(1));
        if (!requestDigest.isEmpty()) {
            scriptKeys.add(keys.reply(socketId, requestDigest));
        }
        if (sessionId != null) {
            SessionKey session = new SessionKey(socketId, sessionId);
            scriptKeys.add(keys.session(session));
            scriptKeys.add(keys.queue(session));
        }
        Object[] args = {socketId, message,
                sessionId == null ? "" : sessionId, checkTtl ? "1" : "0",
                requestDigest.isEmpty() ? "0" : newRequestId ? "1" : "2"};
        return new Part(socketId, started, checkTtl, scriptKeys, args);
    }

    /** What publish.lua answered for {@code part}, as a {@link Publication}. */
    private CompletionStage<Optional<Publication>> answered(Part part, CompletionStage<List<Object>> reply) {
        String socketId = part.socketId();
        return reply.thenApply(answer -> {
                    if (answer == null || answer.isEmpty()) {
                        renewalChecks.forget(socketId);
                        return Optional.<Publication>empty();
                    }
                    // renewed 3: a request id that is not a repeat, refused (publish.lua's repeats-only mode).
                    if ((Long) answer.get(2) == 3L) {
                        throw new NewRequestIdRefusedException(socketId);
                    }
                    // renewed 2: a request id's earlier answer, given again (a repeat): the script
                    // ran nothing for it, so it checked no TTL and the next publish must.
                    boolean repeat = (Long) answer.get(2) == 2L;
                    if (part.checkTtl() && !repeat) {
                        renewalChecks.checked(socketId, part.started());
                    }
                    lifetime.renewClientIfTold(answer, 2);
                    List<Delivery> deliveries = new ArrayList<>((answer.size() - 3) / 3);
                    for (int i = 3; i + 2 < answer.size(); i += 3) {
                        deliveries.add(new Delivery((String) answer.get(i),
                                PUBLISH_STATUS[((Long) answer.get(i + 1)).intValue()],
                                ((Long) answer.get(i + 2)).intValue()));
                    }
                    return Optional.of(new Publication(deliveries, repeat));
                })
                .exceptionallyCompose(error -> Causes.unwrap(error) instanceof NewRequestIdRefusedException refused
                        ? CompletableFuture.failedFuture(refused) // Redis answered: no store error
                        : StoreErrors.failedWrite("publish " + LogTag.of(socketId), error));
    }

    /**
     * One publish as publish.lua takes it.
     *
     * @param started when its TTL check was decided ({@link RenewalChecks})
     * @param checkTtl whether the script checks (and renews) the socket's TTL
     */
    private record Part(String socketId, long started, boolean checkTtl, List<Object> keys, Object[] args) {
    }
}

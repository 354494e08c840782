package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.Authorization;
import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PublishTarget;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.push.Revocation;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.SocketPresence;
import io.wildcloud.ws.push.SocketRecord;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketUse;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.options.OptionalOptions;

/**
 * The socket part of the {@link RedisEngine}: the {@link SocketStore} of a cluster, on Redis.
 * Keys (every one with a TTL):
 * <ul>
 *   <li>{@code <prefix>{<socketId>}:sock} hash: application, client id, callback, and the session
 *       index, a field {@code s:<sessionId>} per session (one key less per socket than a set of its
 *       own, and 216-224 bytes less per idle session: BENCHMARKS.md); TTL the idle timeout plus a
 *       sixteenth of it (the renewal slack), renewed by a use only once less than the idle timeout
 *       remains, so most uses (publishes above all) write nothing; a node's publishes check the
 *       TTL at most every half slack per socket ({@link RenewalChecks})</li>
 *   <li>{@code <prefix>client:{<application>:<clientId>}} the client's socket id; TTL a quarter
 *       longer than the idle timeout, renewed (a second, unawaited round trip) when a use renews
 *       the socket (a look-up, a publish, or a websocket's claim_open, which makes no look-up), so it
 *       outlives its socket</li>
 * </ul>
 * A socket's keys share the hash tag of its id, which the SockJS session keys of its sessions use
 * too, so on Redis Cluster a socket and its sessions live in one slot: {@link #publish} is one
 * script over the socket and its sessions' queues ({@link RedisPublisher}). The client key lives in
 * its client's slot: authorize and revoke take two round trips, each step atomic.
 */
final class RedisSocketStore implements SocketStore {

    /** Authorize meets a client key whose socket expired at most this often in a row before it gives up. */
    private static final int MAX_AUTHORIZE_ATTEMPTS = 3;

    private final RedisRuntime runtime;
    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final SocketLifetime lifetime;
    private final RedisPublisher publisher;
    private final IndexJoins joins;
    private final SessionEnds ends;
    private final UnknownOutcomes unknown;
    private final NewSocketQuota quota;
    /**
     * Scripts sent once, never again by Redisson when no answer came: for a take-back of request
     * ids, which a stalled Redis would otherwise run once per copy, counting low.
     */
    private final RScriptAsync sentOnce;

    RedisSocketStore(RedisRuntime runtime, SocketLifetime lifetime, RedisPublisher publisher, IndexJoins joins,
            SessionEnds ends, UnknownOutcomes unknown, NewSocketQuota quota) {
        this.runtime = runtime;
        this.scripts = runtime.scripts();
        this.keys = runtime.keys();
        this.lifetime = lifetime;
        this.publisher = publisher;
        this.joins = joins;
        this.ends = ends;
        this.unknown = unknown;
        this.quota = quota;
        this.sentOnce = runtime.redisson().getScript(
                OptionalOptions.defaults().codec(HeapStringCodec.INSTANCE).retryAttempts(0));
    }

    /**
     * A socket is created before its id is published under the client key, so a client key whose
     * socket is missing always means the socket expired, never that it is still being created.
     */
    @Override
    public CompletionStage<Authorization> authorize(String application, String clientId, URI callback) {
        String clientKey = keys.client(application, clientId);
        // Fast path, the common case of authorizing a known client again: two round trips.
        return runtime.commands().<String>timed("get",
                        () -> runtime.redisson().<String>getBucket(clientKey, HeapStringCodec.INSTANCE).getAsync())
                .exceptionallyCompose(error -> StoreErrors.failed("authorize " + application, error))
                .thenCompose(existing -> existing == null
                        ? createWithinQuota(application, clientId, callback, "")
                        : update(existing, application, clientId, callback).thenCompose(updated -> updated
                                ? CompletableFuture.completedFuture(authorization(existing, application, clientId,
                                        callback, false))
                                : createWithinQuota(application, clientId, callback, existing)));
    }

    /** A new socket for the client, counted in its application's {@link NewSocketQuota}, or refused over it. */
    private CompletionStage<Authorization> createWithinQuota(String application, String clientId, URI callback,
                                                             String deadSocketId) {
        long now = runtime.clock().now();
        long window = quota.windowAt(now);
        long charged = NewSocketQuota.chargedBytes(clientId, callback);
        return this.<Long>eval(scripts.socketQuota, RScript.ReturnType.LONG,
                        List.of(keys.newSockets(application, window), keys.newSocketBytes(application, window)),
                        quota.window().toMillis() * 2, charged, quota.maxNewBytesPerApplication(), "1",
                        quota.maxNewPerApplication())
                .thenCompose(count -> count < 0
                        ? CompletableFuture.failedFuture(quota.bytesExceeded(application, charged, now))
                        : count > quota.maxNewPerApplication()
                        ? CompletableFuture.failedFuture(quota.exceeded(application, now))
                        : create(application, clientId, callback, deadSocketId, 1));
    }

    private CompletionStage<Authorization> create(String application, String clientId, URI callback,
                                                  String deadSocketId, int attempt) {
        String candidate = SocketIds.next();
        return this.<Long>eval(scripts.socketAuthorize, RScript.ReturnType.LONG, keys.socketKeys(candidate),
                        application, clientId, callback.toString(), Long.toString(lifetime.socketTtlMillis), "1")
                .thenCompose(created -> this.<String>eval(scripts.socketClaimClient, RScript.ReturnType.VALUE,
                        List.of(keys.client(application, clientId)), candidate,
                        Long.toString(lifetime.clientTtlMillis), deadSocketId))
                .thenCompose(socketId -> {
                    if (socketId.equals(candidate)) {
                        return CompletableFuture.completedFuture(
                                authorization(socketId, application, clientId, callback, true));
                    }
                    // Another node won the race for this client: drop our socket, update theirs.
                    runtime.commands().timed("del", () -> runtime.redisson().getKeys()
                            .deleteAsync(keys.socketKeys(candidate).toArray(String[]::new)));
                    return update(socketId, application, clientId, callback).thenCompose(updated -> {
                        if (updated) {
                            return CompletableFuture.completedFuture(
                                    authorization(socketId, application, clientId, callback, false));
                        }
                        if (attempt >= MAX_AUTHORIZE_ATTEMPTS) {
                            return StoreErrors.failed("authorize " + application,
                                    new IllegalStateException("the client's socket kept vanishing"));
                        }
                        return create(application, clientId, callback, socketId, attempt + 1);
                    });
                });
    }

    /**
     * Sets the callback of an existing socket; {@code false} if it does not exist (expired). A longer
     * callback is first charged to the application's new-socket bytes (twice its growth, as
     * {@link NewSocketQuota#chargedBytes} counts it), else a socket made with a short callback could
     * grow past what it was charged; past the budget it is refused and the socket keeps its callback.
     */
    private CompletionStage<Boolean> update(String socketId, String application, String clientId, URI callback) {
        String text = callback.toString();
        return this.<Long>eval(scripts.socketAuthorize, RScript.ReturnType.LONG, keys.socketKeys(socketId),
                        application, clientId, text, Long.toString(lifetime.socketTtlMillis), "0", "1")
                .thenCompose(done -> done >= 0
                        ? CompletableFuture.completedFuture(done == 1)
                        : chargeGrowth(application, 2L * (text.getBytes(StandardCharsets.UTF_8).length - (-done - 1)))
                                .thenCompose(charged -> this.<Long>eval(scripts.socketAuthorize,
                                        RScript.ReturnType.LONG, keys.socketKeys(socketId), application, clientId,
                                        text, Long.toString(lifetime.socketTtlMillis), "0", "0"))
                                .thenApply(again -> again == 1));
    }

    /** Charges {@code bytes} to {@code application}'s new-socket bytes of this window, or fails over its budget. */
    private CompletionStage<Void> chargeGrowth(String application, long bytes) {
        long now = runtime.clock().now();
        long window = quota.windowAt(now);
        return this.<Long>eval(scripts.socketQuota, RScript.ReturnType.LONG,
                        List.of(keys.newSockets(application, window), keys.newSocketBytes(application, window)),
                        quota.window().toMillis() * 2, bytes, quota.maxNewBytesPerApplication(), "0")
                .thenCompose(count -> count < 0
                        ? CompletableFuture.failedFuture(quota.bytesExceeded(application, bytes, now))
                        : CompletableFuture.completedFuture(null));
    }

    private static Authorization authorization(String socketId, String application, String clientId, URI callback,
                                               boolean created) {
        return new Authorization(new SocketRecord(socketId, application, clientId, callback), created);
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> find(String socketId) {
        return read(socketId, false).thenApply(reply -> reply.map(r -> record(socketId, r)));
    }

    /**
     * One socket_owners.lua run per Cluster slot (one on a single Redis), pipelined as socket
     * look-ups are, instead of a socket_get run per socket.
     */
    @Override
    public CompletionStage<Map<String, String>> owners(Collection<String> socketIds) {
        Map<Integer, List<String>> groups = new LinkedHashMap<>();
        for (String socketId : socketIds) {
            int slot = runtime.cluster() ? ClusterSlots.of(keys.scopePrefix(socketId)) : 0;
            groups.computeIfAbsent(slot, s -> new ArrayList<>()).add(socketId);
        }
        Map<String, String> owners = new HashMap<>();
        List<CompletableFuture<Void>> reads = new ArrayList<>(groups.size());
        for (List<String> group : groups.values()) {
            List<Object> scriptKeys = new ArrayList<>(group.size());
            group.forEach(socketId -> scriptKeys.add(keys.socketKeys(socketId).get(0)));
            reads.add(runtime.pipeline().<List<Object>>submit(scripts.socketOwners, RScript.ReturnType.LIST, scriptKeys)
                    .exceptionallyCompose(error -> StoreErrors.<List<Object>>failed(scripts.socketOwners.name(), error))
                    .thenAccept(reply -> {
                        synchronized (owners) {
                            for (int i = 0; i < group.size(); i++) {
                                String owner = reply == null || i >= reply.size() ? "" : String.valueOf(reply.get(i));
                                if (!owner.isEmpty()) {
                                    owners.put(group.get(i), owner);
                                }
                            }
                        }
                    }).toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
            synchronized (owners) {
                return Map.copyOf(owners);
            }
        });
    }

    /** A read, so safe to send again: a poll waits a stall out here as it does in its claim. */
    @Override
    public CompletionStage<Optional<SocketRecord>> findForSession(String socketId) {
        return unknown.resolve("socket look-up " + LogTag.of(socketId), () -> find(socketId));
    }

    /**
     * One socket_presence.lua run, pipelined as socket look-ups are: one EXISTS over the socket's
     * hash and the session's answers an unknown socket; only a new session's first poll (or a gone
     * socket's session) reads once more, in the same run. A read, so sent again through a stall as
     * {@link #findForSession} is.
     */
    @Override
    public CompletionStage<SocketPresence> presence(String socketId, String sessionId) {
        List<Object> scriptKeys = sessionId == null ? List.of(keys.socketKeys(socketId).get(0))
                : List.of(keys.socketKeys(socketId).get(0), keys.session(new SessionKey(socketId, sessionId)));
        return unknown.resolve("socket look-up " + LogTag.of(socketId), () -> runtime.pipeline()
                        .<String>submit(scripts.socketPresence, RScript.ReturnType.VALUE, scriptKeys)
                        .exceptionallyCompose(error -> StoreErrors.<String>failed(scripts.socketPresence.name(), error)))
                .thenApply(found -> switch (found) {
                    case "L" -> SocketPresence.LIVE;
                    case "G" -> SocketPresence.GONE_WITH_SESSION;
                    default -> SocketPresence.UNKNOWN;
                });
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> touch(String socketId) {
        return read(socketId, true).thenApply(reply -> reply.map(r -> record(socketId, r)));
    }

    /** A read that only renews TTLs to the same values, so safe to send again: a websocket's message waits a stall out. */
    @Override
    public CompletionStage<Optional<SocketRecord>> touchForSession(String socketId) {
        return unknown.resolve("socket use " + LogTag.of(socketId), () -> touch(socketId));
    }

    /**
     * One socket_use.lua run, pipelined with this node's other frequent calls ({@link ScriptPipeline}):
     * a client's send costs one round trip before its callback. It reads, and renews only TTLs to
     * the same values, so it is sent again through a stall ({@link UnknownOutcomes}): the send's
     * request waits instead of being answered 503.
     */
    @Override
    public CompletionStage<SocketUse> use(SessionKey session) {
        return unknown.resolve("send of " + session, () -> useOnce(session));
    }

    private CompletionStage<SocketUse> useOnce(SessionKey session) {
        List<Object> scriptKeys = List.of(keys.session(session), keys.socketKeys(session.scope()).get(0),
                keys.socketKeys(session.scope()).get(1));
        return runtime.pipeline().<List<Object>>submit(scripts.socketUse, RScript.ReturnType.LIST, scriptKeys,
                        Long.toString(lifetime.idleMillis), Long.toString(lifetime.renewalSlackMillis))
                .exceptionallyCompose(error -> StoreErrors.failed(scripts.socketUse.name(), error))
                .thenApply(reply -> {
                    String state = (String) reply.get(0);
                    if (!state.equals("o")) {
                        return SocketUse.notOpen(state.equals("n") ? SessionStatus.NOT_FOUND : SessionStatus.CLOSED);
                    }
                    if (reply.size() == 1) {
                        return new SocketUse(SessionStatus.OPEN, Optional.empty());
                    }
                    List<Object> socket = reply.subList(1, reply.size());
                    lifetime.renewClientIfTold(socket, 3);
                    return new SocketUse(SessionStatus.OPEN, Optional.of(record(session.scope(), socket)));
                });
    }

    /**
     * The socket first, its client key after it: each step's repeat (Redisson sends a command left
     * unanswered again) changes nothing more. With the client key deleted first, a resent delete found
     * it gone and answered "no socket", the socket was never revoked, and its id, a bearer token,
     * stayed valid until its idle timeout; a revoke that timed out and was retried did the same.
     */
    @Override
    public CompletionStage<Optional<Revocation>> revoke(String application, String clientId) {
        List<Object> clientKey = List.of(keys.client(application, clientId));
        return this.<String>eval(scripts.socketReleaseClient, RScript.ReturnType.VALUE, clientKey, "")
                .thenCompose(socketId -> {
                    if (socketId == null) {
                        return CompletableFuture.completedFuture(Optional.<Revocation>empty());
                    }
                    return this.<List<Object>>eval(scripts.socketRevoke, RScript.ReturnType.LIST,
                                    keys.socketKeys(socketId))
                            .thenCompose(reply -> this.<String>eval(scripts.socketReleaseClient,
                                            RScript.ReturnType.VALUE, clientKey, socketId)
                                    .thenApply(released -> reply == null || reply.isEmpty()
                                            ? Optional.<Revocation>empty()
                                            : Optional.of(new Revocation(record(socketId, reply), members(reply, 3)))));
                });
    }

    /** A new websocket session's claim has joined the index already, mostly: no round trip then ({@link IndexJoins}). */
    @Override
    public CompletionStage<SessionRegistration> addSession(String socketId, String sessionId, int maxSessions) {
        SessionRegistration joined = joins.take(new SessionKey(socketId, sessionId), maxSessions);
        if (joined != null) {
            return CompletableFuture.completedFuture(joined);
        }
        return this.<Long>eval(scripts.socketAddSession, RScript.ReturnType.LONG, keys.socketKeys(socketId),
                        sessionId, Integer.toString(maxSessions), Long.toString(lifetime.socketTtlMillis))
                .thenApply(IndexJoins::registration);
    }

    @Override
    public void expectSessionLimit(int maxSessions) {
        joins.expect(maxSessions);
    }

    @Override
    public CompletionStage<Boolean> removeSession(String socketId, String sessionId) {
        if (ends.takeLeft(new SessionKey(socketId, sessionId))) {
            return CompletableFuture.completedFuture(true); // its end left the index already
        }
        List<Object> removeKeys = new ArrayList<>(keys.socketKeys(socketId));
        removeKeys.add(keys.session(new SessionKey(socketId, sessionId)));
        return this.<Long>eval(scripts.socketRemoveSession, RScript.ReturnType.LONG, removeKeys,
                        sessionId, Long.toString(lifetime.socketTtlMillis))
                .thenApply(removed -> removed == 1);
    }

    @Override
    public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId) {
        return publisher.publish(socketId, sessionId, message, requestId, true);
    }

    @Override
    public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId, boolean newRequestId) {
        return publisher.publish(socketId, sessionId, message, requestId, newRequestId);
    }

    @Override
    public CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId) {
        return publisher.publishAll(targets, requestId, true);
    }

    @Override
    public CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId,
            boolean newRequestId) {
        return publisher.publishAll(targets, requestId, newRequestId);
    }

    /**
     * One key per application and window, in its own slot (not the sockets'): the count is the
     * cluster's, so it bounds the application however many nodes publish for it.
     */
    @Override
    public CompletionStage<RequestIdCount> countRequestIds(String application, int count, long max) {
        long now = runtime.clock().now();
        return this.<Long>eval(scripts.requestIds, RScript.ReturnType.LONG,
                        List.of(keys.requestIds(application, RequestIdCount.windowAt(now))), Integer.toString(count),
                        Long.toString(max), Long.toString(SocketStore.REQUEST_ID_WINDOW.toMillis() * 2))
                .thenApply(counted -> RequestIdCount.at(now, counted == 1L));
    }

    /**
     * Not waited for: a take-back that fails leaves the count high until the window ends, never low.
     * Sent once, not through the pipeline (whose batches Redisson resends whole when no answer
     * came, and a stalled Redis then runs every copy: 4 attempts took 1 back 4 times); a lost one
     * errs high. A NOSCRIPT answer ran nothing, so the script is loaded and sent again then.
     */
    @Override
    public void uncountRequestIds(String application, long window, int count) {
        if (count > 0) {
            scripts.requestIds.<Long>eval(sentOnce, RScript.ReturnType.LONG,
                    List.of(keys.requestIds(application, window)), Integer.toString(-count), "0",
                    Long.toString(SocketStore.REQUEST_ID_WINDOW.toMillis() * 2));
        }
    }

    /** Reads the socket; renews its client key too when the read counted as use and renewed the socket. */
    private CompletionStage<Optional<List<Object>>> read(String socketId, boolean use) {
        // Pipelined: every SockJS request looks its socket up, and a websocket's every message touches it.
        return runtime.pipeline().<List<Object>>submit(scripts.socketGet, RScript.ReturnType.LIST,
                        keys.socketKeys(socketId), use ? "1" : "0", Long.toString(lifetime.idleMillis),
                        Long.toString(lifetime.renewalSlackMillis))
                .exceptionallyCompose(error -> StoreErrors.<List<Object>>failed(scripts.socketGet.name(), error))
                .thenApply(reply -> {
                    if (reply == null || reply.isEmpty()) {
                        return Optional.empty();
                    }
                    if (use) {
                        lifetime.renewClientIfTold(reply, 3);
                    }
                    return Optional.of(reply);
                });
    }

    private static SocketRecord record(String socketId, List<Object> reply) {
        return new SocketRecord(socketId, (String) reply.get(0), (String) reply.get(1), URI.create((String) reply.get(2)));
    }

    private static Set<String> members(List<Object> reply, int from) {
        Set<String> sessions = new LinkedHashSet<>();
        for (int i = from; i < reply.size(); i++) {
            sessions.add((String) reply.get(i));
        }
        return sessions;
    }

    private <R> CompletionStage<R> eval(LuaScript lua, RScript.ReturnType type, List<Object> scriptKeys,
            Object... args) {
        // Through the pipeline, as claims: a connect storm's socket look-ups and index joins go
        // many to a round trip. A call alone in the pipeline runs exactly as a direct one would
        // (LuaScript.eval); a batched one sets the same TTLs (RedisSocketStoreTest).
        return runtime.pipeline().<R>submit(lua, type, scriptKeys, args)
                .exceptionallyCompose(error -> StoreErrors.failed(lua.name(), error));
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.Authorization;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.Publication.Delivery;
import io.wildcloud.ws.push.Revocation;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.SocketRecord;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.LogTag;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The {@link SocketStore} of a cluster, on Redis. Keys (every one with a TTL):
 * <ul>
 *   <li>{@code <prefix>{<socketId>}:sock} hash: application, client id, callback; TTL the idle
 *       timeout plus a sixteenth of it (the renewal slack), renewed by a use only once less than
 *       the idle timeout remains, so most uses (publishes above all) write nothing; a node's
 *       publishes check the TTL at most every half slack per socket ({@link RenewalChecks})</li>
 *   <li>{@code <prefix>{<socketId>}:sessions} set of the socket's session ids, same TTL</li>
 *   <li>{@code <prefix>client:{<application>:<clientId>}} the client's socket id; TTL a quarter
 *       longer than the idle timeout, renewed (a second, unawaited round trip) when a use renews
 *       the socket, so it outlives its socket</li>
 * </ul>
 * A socket's keys share the hash tag of its id, which the SockJS session keys of its sessions use
 * too, so on Redis Cluster a socket and its sessions live in one slot: {@link #publish} is one
 * script over the socket and its sessions' queues (publish.lua, through the session store's
 * pipeline). The client key lives in its client's slot: authorize and revoke take two round
 * trips, each step atomic.
 */
public final class RedisSocketStore implements SocketStore {

    /** publish.lua's status codes, by value. */
    private static final EnqueueResult[] PUBLISH_STATUS = {EnqueueResult.QUEUED, EnqueueResult.NOT_FOUND,
            EnqueueResult.CLOSED, EnqueueResult.QUEUE_FULL};

    /** Authorize meets a client key whose socket expired at most this often in a row before it gives up. */
    private static final int MAX_AUTHORIZE_ATTEMPTS = 3;

    private final RScriptAsync script;
    private final RedisSessionStore sessions;
    private final PlainCommands commands;
    private final String prefix;
    private final long idleMillis;
    private final long renewalSlackMillis;
    private final long socketTtlMillis;
    private final long clientTtlMillis;
    private final LuaScript claimClient = LuaScript.load("socket_claim_client");
    private final LuaScript authorize = LuaScript.load("socket_authorize");
    private final LuaScript get = LuaScript.load("socket_get");
    private final LuaScript revoke = LuaScript.load("socket_revoke");
    private final LuaScript releaseClient = LuaScript.load("socket_release_client");
    private final LuaScript addSession = LuaScript.load("socket_add_session");
    private final LuaScript removeSession = LuaScript.load("socket_remove_session");
    private final RedissonClient redisson;
    private final RenewalChecks renewalChecks;

    /**
     * @param sessions the session store {@link #publish} queues into; this store shares its
     *     Redisson client and key prefix
     */
    public RedisSocketStore(RedisSessionStore sessions, Duration idleTimeout) {
        if (idleTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("idleTimeout must be at least 1s: " + idleTimeout);
        }
        this.sessions = sessions;
        this.redisson = sessions.redisson();
        this.commands = sessions.commands();
        for (LuaScript lua : List.of(claimClient, authorize, get, revoke, releaseClient, addSession, removeSession)) {
            lua.meter(sessions.metrics().script(lua.name()));
        }
        this.script = redisson.getScript(StringCodec.INSTANCE);
        this.prefix = sessions.keyPrefix();
        this.idleMillis = idleTimeout.toMillis();
        this.renewalSlackMillis = idleMillis / 16;
        this.socketTtlMillis = idleMillis + renewalSlackMillis;
        this.clientTtlMillis = idleMillis + idleMillis / 4;
        this.renewalChecks = new RenewalChecks(renewalSlackMillis, System::nanoTime);
    }

    /**
     * A socket is created before its id is published under the client key, so a client key whose
     * socket is missing always means the socket expired, never that it is still being created.
     */
    @Override
    public CompletionStage<Authorization> authorize(String application, String clientId, URI callback) {
        String clientKey = clientKey(application, clientId);
        // Fast path, the common case of authorizing a known client again: two round trips.
        return commands.<String>timed("get", () -> redisson.<String>getBucket(clientKey, StringCodec.INSTANCE).getAsync())
                .exceptionallyCompose(error -> StoreErrors.failed("authorize " + application, error))
                .thenCompose(existing -> existing == null
                        ? create(application, clientId, callback, "", 1)
                        : update(existing, application, clientId, callback).thenCompose(updated -> updated
                                ? CompletableFuture.completedFuture(authorization(existing, application, clientId,
                                        callback, false))
                                : create(application, clientId, callback, existing, 1)));
    }

    private CompletionStage<Authorization> create(String application, String clientId, URI callback,
                                                  String deadSocketId, int attempt) {
        String candidate = SocketIds.next();
        return this.<Long>eval(authorize, RScript.ReturnType.LONG, socketKeys(candidate), application, clientId,
                        callback.toString(), Long.toString(socketTtlMillis), "1")
                .thenCompose(created -> this.<String>eval(claimClient, RScript.ReturnType.VALUE,
                        List.of(clientKey(application, clientId)), candidate, Long.toString(clientTtlMillis),
                        deadSocketId))
                .thenCompose(socketId -> {
                    if (socketId.equals(candidate)) {
                        return CompletableFuture.completedFuture(
                                authorization(socketId, application, clientId, callback, true));
                    }
                    // Another node won the race for this client: drop our socket, update theirs.
                    commands.timed("del", () -> redisson.getKeys().deleteAsync(socketKeys(candidate).toArray(String[]::new)));
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

    /** Sets the callback of an existing socket; {@code false} if it does not exist (expired). */
    private CompletionStage<Boolean> update(String socketId, String application, String clientId, URI callback) {
        return this.<Long>eval(authorize, RScript.ReturnType.LONG, socketKeys(socketId), application, clientId,
                        callback.toString(), Long.toString(socketTtlMillis), "0")
                .thenApply(done -> done == 1);
    }

    private static Authorization authorization(String socketId, String application, String clientId, URI callback,
                                               boolean created) {
        return new Authorization(new SocketRecord(socketId, application, clientId, callback), created);
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> find(String socketId) {
        return read(socketId, false, false).thenApply(reply -> reply.map(r -> record(socketId, r)));
    }

    @Override
    public CompletionStage<Optional<SocketRecord>> touch(String socketId) {
        return read(socketId, true, false).thenApply(reply -> reply.map(r -> record(socketId, r)));
    }

    @Override
    public CompletionStage<Optional<Set<String>>> sessionsOf(String socketId) {
        return read(socketId, true, true).thenApply(reply -> reply.map(r -> members(r, 4)));
    }

    @Override
    public CompletionStage<Optional<Revocation>> revoke(String application, String clientId) {
        return this.<String>eval(releaseClient, RScript.ReturnType.VALUE, List.of(clientKey(application, clientId)))
                .thenCompose(socketId -> {
                    if (socketId == null) {
                        return CompletableFuture.completedFuture(Optional.<Revocation>empty());
                    }
                    return this.<List<Object>>eval(revoke, RScript.ReturnType.LIST, socketKeys(socketId))
                            .thenApply(reply -> reply == null || reply.isEmpty() ? Optional.<Revocation>empty()
                                    : Optional.of(new Revocation(record(socketId, reply), members(reply, 3))));
                });
    }

    @Override
    public CompletionStage<SessionRegistration> addSession(String socketId, String sessionId, int maxSessions) {
        return this.<Long>eval(addSession, RScript.ReturnType.LONG, socketKeys(socketId), sessionId,
                        Integer.toString(maxSessions), Long.toString(socketTtlMillis))
                .thenApply(result -> switch (result.intValue()) {
                    case 1 -> SessionRegistration.ADDED;
                    case 0 -> SessionRegistration.LIMIT_REACHED;
                    default -> SessionRegistration.SOCKET_NOT_FOUND;
                });
    }

    @Override
    public CompletionStage<Boolean> removeSession(String socketId, String sessionId) {
        return this.<Long>eval(removeSession, RScript.ReturnType.LONG, socketKeys(socketId), sessionId,
                        Long.toString(socketTtlMillis))
                .thenApply(removed -> removed == 1);
    }

    @Override
    public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId) {
        long started = renewalChecks.now();
        boolean checkTtl = renewalChecks.due(socketId, started);
        return sessions.publish(socketId, socketKeys(socketId), idleMillis, renewalSlackMillis, message, sessionId,
                        checkTtl, requestId == null ? "" : RequestDigest.of(requestId, sessionId, message))
                .thenApply(reply -> {
                    if (reply == null || reply.isEmpty()) {
                        renewalChecks.forget(socketId);
                        return Optional.<Publication>empty();
                    }
                    if (checkTtl) {
                        renewalChecks.checked(socketId, started);
                    }
                    renewClientIfTold(reply, 2);
                    List<Delivery> deliveries = new ArrayList<>((reply.size() - 3) / 3);
                    for (int i = 3; i + 2 < reply.size(); i += 3) {
                        deliveries.add(new Delivery((String) reply.get(i), PUBLISH_STATUS[((Long) reply.get(i + 1)).intValue()],
                                ((Long) reply.get(i + 2)).intValue()));
                    }
                    return Optional.of(new Publication(deliveries));
                })
                .exceptionallyCompose(error -> StoreErrors.failedWrite("publish " + LogTag.of(socketId), error));
    }

    /** Reads the socket; renews its client key too when the read counted as use and renewed the socket. */
    private CompletionStage<Optional<List<Object>>> read(String socketId, boolean use, boolean withSessions) {
        return this.<List<Object>>eval(get, RScript.ReturnType.LIST, socketKeys(socketId), use ? "1" : "0",
                        Long.toString(idleMillis), withSessions ? "1" : "0", Long.toString(renewalSlackMillis))
                .thenApply(reply -> {
                    if (reply == null || reply.isEmpty()) {
                        return Optional.empty();
                    }
                    if (use) {
                        renewClientIfTold(reply, 3);
                    }
                    return Optional.of(reply);
                });
    }

    /** A script that renewed the socket says so at {@code renewedAt}: renew the client key too. */
    private void renewClientIfTold(List<Object> reply, int renewedAt) {
        if (((Long) reply.get(renewedAt)) == 1L) {
            // Fire and forget: a missed renewal only shortens the client key's life by a quarter.
            String clientKey = clientKey((String) reply.get(0), (String) reply.get(1));
            commands.timed("pexpire", () -> redisson.getBucket(clientKey, StringCodec.INSTANCE)
                    .expireAsync(Duration.ofMillis(clientTtlMillis)));
        }
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

    private <R> CompletionStage<R> eval(LuaScript lua, RScript.ReturnType type, List<Object> keys, Object... args) {
        return lua.<R>eval(script, type, keys, args)
                .exceptionallyCompose(error -> StoreErrors.failed(lua.name(), error));
    }

    private List<Object> socketKeys(String socketId) {
        return List.of(prefix + '{' + socketId + "}:sock", prefix + '{' + socketId + "}:sessions");
    }

    private String clientKey(String application, String clientId) {
        return prefix + "client:{" + application + ':' + clientId + '}';
    }
}

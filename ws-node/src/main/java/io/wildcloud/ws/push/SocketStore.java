package io.wildcloud.ws.push;

import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where sockets live: each application client's socket id and callback, and the index of the
 * socket's open SockJS sessions that publishing fans out to. The engine behind it is memory (one
 * node) or Redis (a cluster); both keep this contract.
 *
 * <h2>The contract</h2>
 * <ul>
 *   <li><b>One socket per client.</b> For a given (application, client) pair there is at most one
 *       live socket. {@link #authorize} is atomic: concurrent calls on any nodes for one pair all
 *       answer the same socket id, and the last one's callback wins.</li>
 *   <li><b>Ids.</b> Socket ids come from {@link SocketIds#next()}: random, never derived from the
 *       application or client id, and never reused.</li>
 *   <li><b>Idle expiry.</b> A socket that has not been used for the store's idle timeout (default
 *       {@link PushLimits#DEFAULT_SOCKET_IDLE_TIMEOUT}) is removed with its index, as if revoked but
 *       without closing anything. "Used" means {@link #authorize}, {@link #touch}, {@link #use} (of an open session),
 *       {@link #publish}, {@link #addSession} or {@link #removeSession} on it; {@link #find}
 *       does not count, so the frequent lookups of polling transports cost no write. After
 *       expiry, the same client's next authorize creates a new socket id.</li>
 *   <li><b>Revocation.</b> {@link #revoke} removes the socket and its index in one atomic step and
 *       answers the sessions the index held, so the caller can close them. Afterwards no lookup
 *       finds the socket and {@link #addSession} answers {@link SessionRegistration#SOCKET_NOT_FOUND}.</li>
 *   <li><b>Session index.</b> {@link #addSession} adds a session unless the socket already holds
 *       {@code maxSessions} others; check and add are one atomic step, so concurrent opens on
 *       several nodes never exceed the limit. The index may hold sessions that ended without
 *       {@link #removeSession} (a node died): callers that meet such a session remove it, and
 *       {@link #publish} removes those it meets itself.</li>
 *   <li><b>Publishing.</b> A socket store is built over the {@link SessionStore} of its engine and
 *       {@link #publish} queues into it: per session exactly as {@link SessionStore#enqueue} of
 *       one message would (order, bound, wake-up of the receiver), the socket lookup and all its
 *       sessions in one step, so a publish costs the caller one store call.</li>
 *   <li><b>Repeats.</b> A store may resend a write it got no answer to; every write is applied
 *       at most once all the same. A {@link #publish} with a request id is applied at most once
 *       per (socket, session, request id, message) for {@link #REQUEST_ID_WINDOW}: a repeat of
 *       one that queued queues nothing and answers what the first did, marked
 *       {@link Publication#repeat} (one that queued nothing, as to a socket that does not exist, is
 *       not remembered: nothing of it could repeat). A publish that got no answer from the
 *       store fails with {@link io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException}
 *       (it may have been queued); one the store refused for want of memory with
 *       {@link io.wildcloud.ws.sockjs.session.StoreFullException} (nothing queued).</li>
 *   <li><b>Async.</b> Every method returns at once and never blocks the caller's thread (callers
 *       are Netty event loops). A stage fails with
 *       {@link io.wildcloud.ws.sockjs.session.StoreUnavailableException} when the store cannot be
 *       reached.</li>
 * </ul>
 * Application names, not secrets, identify applications here: secrets never reach a store.
 */
public interface SocketStore {

    /** How long a publish's request id is remembered: its repeats within this queue nothing. */
    java.time.Duration REQUEST_ID_WINDOW = java.time.Duration.ofMinutes(5);

    /**
     * Returns the live socket of ({@code application}, {@code clientId}), creating it if there is
     * none, and sets its callback to {@code callback}. Counts as use.
     */
    CompletionStage<Authorization> authorize(String application, String clientId, URI callback);

    /** The socket with this id, if it lives. Does not count as use. */
    CompletionStage<Optional<SocketRecord>> find(String socketId);

    /**
     * The application of each live socket of {@code socketIds} (a socket that does not live has no
     * entry), for a batch publish's bearer-token check. Does not count as use. By default one
     * {@link #find} per socket; a store with round trips reads many in one.
     */
    default CompletionStage<Map<String, String>> owners(Collection<String> socketIds) {
        Map<String, CompletableFuture<Optional<SocketRecord>>> found = new LinkedHashMap<>();
        for (String socketId : socketIds) {
            found.put(socketId, find(socketId).toCompletableFuture());
        }
        return CompletableFuture.allOf(found.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, String> owners = new HashMap<>();
            found.forEach((socketId, socket) -> socket.join().ifPresent(s -> owners.put(socketId, s.application())));
            return owners;
        });
    }

    /**
     * {@link #find}, for a request that serves a session (a poll, a stream, a websocket): a store
     * that stops answering is waited for as long as a session outlives such a stall, as the
     * session's claim is, not failed after the store's usual timeout (the client would take a 503
     * for the end of its session). By default {@link #find}.
     */
    default CompletionStage<Optional<SocketRecord>> findForSession(String socketId) {
        return find(socketId);
    }

    /**
     * Whether the socket lives and, if it does not, whether its session {@code sessionId} ({@code
     * null}: none named) is still in the engine's session store. Does not count as use. Costs one
     * read, so that a request naming a socket that does not exist (an attacker's guess, or a socket
     * long expired) costs the store one command and no more; a store that stops answering is waited
     * for as {@link #findForSession} waits. By default through {@link #findForSession}, which cannot
     * see sessions: a gone socket with a session named is then {@link SocketPresence#GONE_WITH_SESSION},
     * and the session's claim finds out.
     */
    default CompletionStage<SocketPresence> presence(String socketId, String sessionId) {
        return findForSession(socketId).thenApply(found -> found.isPresent() ? SocketPresence.LIVE
                : sessionId != null ? SocketPresence.GONE_WITH_SESSION : SocketPresence.UNKNOWN);
    }

    /** The socket with this id, if it lives, which counts as use. */
    CompletionStage<Optional<SocketRecord>> touch(String socketId);

    /**
     * {@link #touch}, for a message a session's client sent on its connection (a websocket frame):
     * a store that stops answering is waited for as {@link #findForSession} waits, since the
     * connection already accepted the message and failing here would lose it. By default
     * {@link #touch}.
     */
    default CompletionStage<Optional<SocketRecord>> touchForSession(String socketId) {
        return touch(socketId);
    }

    /**
     * A client's send, in one step: the status of {@code session} (in the engine's
     * {@link SessionStore}) and, only when it is open, its socket (the session's scope) as
     * {@link #touch} reads it, which counts as use. A session that is missing or closed reads no
     * socket and counts as no use. A store that stops answering is waited for as
     * {@link #findForSession} waits: the client's messages wait in its request meanwhile.
     */
    CompletionStage<SocketUse> use(SessionKey session);

    /**
     * Queues {@code message} for every session in the socket's index, or only for
     * {@code sessionId} when it is not {@code null} (whether or not the index holds it), in the
     * engine's {@link SessionStore}, as {@link SessionStore#enqueue} of that one message would.
     * Sessions found missing or closed are removed from the index. Counts as use.
     *
     * @return empty if the socket does not live (nothing queued), else what each addressed session
     *     did with the message
     */
    default CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message) {
        return publish(socketId, sessionId, message, null);
    }

    /**
     * As {@link #publish(String, String, String)}; with a {@code requestId} (not {@code null}) a
     * repeat of the same publish within {@link #REQUEST_ID_WINDOW} queues nothing and answers what
     * the first one did, marked {@link Publication#repeat} (the caller's budget is not charged
     * again), if that one queued anything (else the repeat is published as new).
     */
    CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId);

    /**
     * As {@link #publish(String, String, String, String)} when {@code newRequestId}; else (the
     * caller's application may remember no more request ids in this window, {@link #countRequestIds})
     * only a repeat of a remembered publish is answered, and any other fails with
     * {@link NewRequestIdRefusedException}, publishing nothing: a repeat needs no new memory, and
     * refusing it would leave its first delivery's outcome unknown to its caller.
     */
    CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
            String requestId, boolean newRequestId);

    /**
     * Counts {@code count} request ids that {@code application}'s publishes may remember in the
     * current {@link RequestIdCount window} of {@link #REQUEST_ID_WINDOW}, over every node that
     * shares this store, unless its count would pass {@code max}: then counts nothing and answers
     * {@link RequestIdCount#counted()} false. A remembered request id costs the store a few hundred
     * bytes for the window whatever the message's size (which is all the publish budget charges), so
     * this bounds what one application's request ids hold. A call repeated by the client library
     * (no answer in time) may count twice: high, never low.
     */
    CompletionStage<RequestIdCount> countRequestIds(String application, int count, long max);

    /**
     * Takes back {@code count} of {@code application}'s request ids counted in {@code window}
     * that were not remembered after all (a repeat, a publish that queued nothing, a failure).
     */
    void uncountRequestIds(String application, long window, int count);

    /**
     * Publishes each target as {@link #publish(String, String, String, String)} would, in list
     * order, as if the publishes had been made one after another by this caller: per session, a
     * target's message comes after those of earlier targets and of publishes this node submitted
     * before the call, and before those of publishes it submits after. A {@code requestId} applies
     * to each target: a target repeating an earlier publish (same socket, session, request id and
     * message, within {@link #REQUEST_ID_WINDOW}) that queued queues nothing and answers as that one did.
     * Engines may run many targets in one store call (Redis: one script run per Cluster slot).
     *
     * @return one answer per target, in the targets' order: empty if its socket does not live;
     *     failed with {@link PartlyPublishedException} if some targets failed while others were
     *     answered (with the failure itself if all failed)
     */
    default CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId) {
        return publishAll(targets, requestId, true);
    }

    /**
     * As {@link #publishAll(List, String)}; with {@code newRequestId} false each target as
     * {@link #publish(String, String, String, String, boolean)} with it false (a target that is
     * not a repeat fails alone with {@link NewRequestIdRefusedException}).
     */
    default CompletionStage<List<Optional<Publication>>> publishAll(List<PublishTarget> targets, String requestId,
            boolean newRequestId) {
        List<CompletableFuture<Optional<Publication>>> answers = new ArrayList<>(targets.size());
        for (PublishTarget target : targets) {
            CompletableFuture<Optional<Publication>> answer;
            try {
                answer = publish(target.socketId(), target.sessionId(), target.message(), requestId, newRequestId)
                        .toCompletableFuture();
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answers.add(answer);
        }
        return PartlyPublishedException.gather(answers);
    }

    /** Removes the client's socket and index; empty if it had none. */
    CompletionStage<Optional<Revocation>> revoke(String application, String clientId);

    /**
     * Adds {@code sessionId} to the socket's index unless that would make more than
     * {@code maxSessions} sessions. Counts as use.
     */
    CompletionStage<SessionRegistration> addSession(String socketId, String sessionId, int maxSessions);

    /**
     * The {@code maxSessions} the service's admissions will ask {@link #addSession} for, told once
     * before it serves: an engine may then join a new session's socket index in the session's
     * claim from the first connect on (Redis: claim_open.lua), instead of learning the limit from
     * the first admission while the first burst of a connect storm pays a round trip each. A hint:
     * an admission asking another limit is served as asked. Ignored by default.
     */
    default void expectSessionLimit(int maxSessions) {
    }

    /**
     * Removes {@code sessionId} from the socket's index; {@code false} if it was not there or the
     * socket is gone. Counts as use when the socket lives. Leaves it (and answers {@code false})
     * while a session of that id is open in the session store: the notice that a session ended
     * can come after a poll re-created it under the same id (its client came back after the
     * disconnect delay), and the new session must stay reachable.
     */
    CompletionStage<Boolean> removeSession(String socketId, String sessionId);
}

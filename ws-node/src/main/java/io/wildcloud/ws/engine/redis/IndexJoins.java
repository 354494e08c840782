package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index joins made by the claim of a new websocket session (claim_open.lua), kept until the push
 * service admits that session ({@code SocketStore.addSession}), which then gets the join's outcome
 * without a round trip of its own: a new websocket session costs one script call after its
 * socket's look-up instead of two in a row.
 *
 * <p>The claim joins with the session limit the push service told at start ({@link #expect}) or
 * last asked for ({@link #take} learns it; until then claims do not join), and an admission asking
 * another limit runs its own script. Taking a join is never needed for correctness: socket_add_session of a
 * session already in the index answers it added, so a join dropped here (over {@link #MAX_KEPT},
 * or never taken) only costs that admission its round trip.
 */
final class IndexJoins {

    private static final Logger LOG = LoggerFactory.getLogger(IndexJoins.class);
    /** Joins kept at most: each is taken within a round trip of its claim, unless the client left. */
    static final int MAX_KEPT = 100_000;

    private record Join(int limit, SessionRegistration outcome) {
    }

    private final Map<SessionKey, Join> joins = new ConcurrentHashMap<>();
    private final SocketLifetime lifetime;
    private volatile int limit;

    IndexJoins(SocketLifetime lifetime) {
        this.lifetime = lifetime;
    }

    /** The limit the push service will ask for (SocketStore.expectSessionLimit); admissions teach it too. */
    void expect(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("sessions per socket must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** The limit new sessions join with, 0 while no admission asked for one (then claims do not join). */
    int limit() {
        return limit;
    }

    long socketTtlMillis() {
        return lifetime.socketTtlMillis;
    }

    /** Below this TTL a join's renewal of the socket counts as a use that renews the client key too. */
    long idleMillis() {
        return lifetime.idleMillis;
    }

    /**
     * claim_open.lua renewed a socket whose TTL had fallen below the idle timeout and answered its
     * application and client at {@code at} and {@code at + 1}: renew the client key, as
     * a look-up that renews the socket does (a socket only websockets use keeps its client key).
     */
    void renewClientIfTold(List<Object> reply, int at) {
        if (reply.size() > at + 1) {
            lifetime.renewClient((String) reply.get(at), (String) reply.get(at + 1));
        }
    }

    /** Keeps what the claim of {@code key} answered for its join with {@code limit}; nothing if it did not join. */
    void record(SessionKey key, int limit, SessionRegistration outcome) {
        if (outcome == null) {
            return;
        }
        if (joins.size() >= MAX_KEPT) {
            LOG.warn("{} index joins of new sessions were never taken; dropped (their admissions run their own)",
                    joins.size());
            joins.clear();
        }
        joins.put(key, new Join(limit, outcome));
    }

    /** The join {@code key}'s claim made with {@code limit}, taken once; null if none, and then the caller joins. */
    SessionRegistration take(SessionKey key, int limit) {
        this.limit = limit;
        Join join = joins.remove(key);
        return join != null && join.limit() == limit ? join.outcome() : null;
    }

    /** Drops the join of a session deleted before its admission; true if it had joined the index. */
    boolean forget(SessionKey key) {
        Join join = joins.remove(key);
        return join != null && join.outcome() == SessionRegistration.ADDED;
    }

    /** socket_add_session.lua's and claim_open.lua's answer for the join. */
    static SessionRegistration registration(long answer) {
        return switch ((int) answer) {
            case 1 -> SessionRegistration.ADDED;
            case 0 -> SessionRegistration.LIMIT_REACHED;
            default -> SessionRegistration.SOCKET_NOT_FOUND;
        };
    }
}

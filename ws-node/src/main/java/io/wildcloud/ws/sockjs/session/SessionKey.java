package io.wildcloud.ws.sockjs.session;

import java.util.Objects;

/**
 * Names one SockJS session: the service it belongs to ({@code scope}, e.g. {@code echo} or a
 * socket id) and the session id the client chose. Two services never share a session, so stores
 * key everything by both; a store on Redis Cluster keeps all keys of one scope in one slot.
 */
public record SessionKey(String scope, String sessionId) {

    public SessionKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    /*
     * equals and hashCode written out, not the record's own: those run through a method-handle
     * chain (ObjectMethods) that C2 did not inline under ConcurrentHashMap.get, and a wake-up looks
     * its session up by key for every message (4-5% of the receiving node's samples in issue 17's
     * cross-node profile were that chain's frames). Same results as the record's.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof SessionKey that && scope.equals(that.scope) && sessionId.equals(that.sessionId);
    }

    @Override
    public int hashCode() {
        return 31 * scope.hashCode() + sessionId.hashCode();
    }

    /** The scope as a {@link LogTag} (a socket id is a bearer token): this is what logs show. */
    @Override
    public String toString() {
        return LogTag.of(scope) + "/" + sessionId;
    }
}

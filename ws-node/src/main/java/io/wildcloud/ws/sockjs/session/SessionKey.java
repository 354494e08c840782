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

    /** The scope as a {@link LogTag} (a socket id is a bearer token): this is what logs show. */
    @Override
    public String toString() {
        return LogTag.of(scope) + "/" + sessionId;
    }
}

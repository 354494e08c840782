package io.wildcloud.ws.sockjs.session;

/** Hears of sessions that ended because no receiver came back within their disconnect delay. */
@FunctionalInterface
public interface SessionExpiryListener {

    /** {@code key} expired while open. Called on a store thread; must not block. */
    void expired(SessionKey key);
}

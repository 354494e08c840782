package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The xhr_send and jsonp_send requests of each session that this node holds unanswered (they wait
 * for the store, up to its stall bound, or for the callback). A SockJS client sends one at a time;
 * one that does not wait for answers is held to {@link #MAX_PER_SESSION}, so a session holds at
 * most that many payloads of max-message-bytes here however long the store stalls.
 */
final class PendingSends {

    static final int MAX_PER_SESSION = 4;

    private final ConcurrentMap<SessionKey, Integer> counts = new ConcurrentHashMap<>();

    /** Counts a send of {@code key}; {@code false} (nothing counted) if the session already has its maximum. */
    boolean tryAdd(SessionKey key) {
        boolean[] added = {false};
        counts.compute(key, (k, held) -> {
            int count = held == null ? 0 : held;
            if (count >= MAX_PER_SESSION) {
                return held;
            }
            added[0] = true;
            return count + 1;
        });
        return added[0];
    }

    /** A send counted by {@link #tryAdd} was answered. */
    void remove(SessionKey key) {
        counts.computeIfPresent(key, (k, held) -> held == 1 ? null : held - 1);
    }
}

package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Notes in the expiry index that this node holds sessions for long (a stream or websocket claimed;
 * {@link ExpirySweeper#trackHeld}: due only if the node stops renewing them), the fallback should
 * the node that takes a dead node over die before it ended them all. Should this node die, the
 * takeover ({@link NodeRoster}) finds its sessions without this note: the claim wrote them in its
 * {@link ClaimJournal}. One note is on its way at a time; sessions claimed meanwhile wait and go
 * together in the next, so a connect storm costs a ZADD per expiry shard and batch, not one per
 * session. Nothing waits for a note: it cannot be in the claim's script (the index is in other
 * Cluster slots than the session), and until the first renewal the journal stands in for it.
 */
final class HeldNotes {

    private final ExpirySweeper sweeper;
    private List<SessionKey> waiting = new ArrayList<>();
    private boolean inFlight;

    HeldNotes(ExpirySweeper sweeper) {
        this.sweeper = sweeper;
    }

    void held(SessionKey key) {
        synchronized (this) {
            if (inFlight) {
                waiting.add(key);
                return;
            }
            inFlight = true;
        }
        send(List.of(key));
    }

    private void send(List<SessionKey> sessions) {
        sweeper.trackHeld(sessions).whenComplete((done, error) -> next());
    }

    private void next() {
        List<SessionKey> batch;
        synchronized (this) {
            if (waiting.isEmpty()) {
                inFlight = false;
                return;
            }
            batch = waiting;
            waiting = new ArrayList<>();
        }
        send(batch);
    }
}

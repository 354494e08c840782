package io.wildcloud.ws.engine.redis;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Notes in Redis that this node holds sessions for long (a stream or websocket claimed): in its
 * roster's held set ({@link NodeRoster}: should the node die, another takes them over) and in the
 * expiry index ({@link ExpirySweeper#trackHeld}: due only if the node stops renewing them). One
 * note is on its way at a time; sessions claimed meanwhile wait and go together in the next, so a
 * connect storm costs a ZADD per batch, not three commands per session. Nothing waits for a note:
 * a session missing from both for a round trip is covered by its hold TTL.
 */
final class HeldNotes {

    private final NodeRoster roster;
    private final ExpirySweeper sweeper;
    private List<SessionKey> waiting = new ArrayList<>();
    private boolean inFlight;

    HeldNotes(NodeRoster roster, ExpirySweeper sweeper) {
        this.roster = roster;
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
        CompletableFuture.allOf(roster.held(sessions), sweeper.trackHeld(sessions))
                .whenComplete((done, error) -> next());
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

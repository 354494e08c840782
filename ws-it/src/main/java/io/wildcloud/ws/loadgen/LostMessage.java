package io.wildcloud.ws.loadgen;

import java.util.Locale;

/**
 * One message the API accepted that never arrived: its session (slot) and transport, its seq, when
 * it was published (seconds since the measured publishing began, the clock fault records use too),
 * whether it was lost in a session that stayed open, the session's requests around it (node
 * and outcome of the last one that ended before the publish and of the first one after; null if none),
 * and whether the API answered that it queued it for no session (it never reached a session's
 * queue: the session was not in its socket's index then).
 */
public record LostMessage(int session, String transport, long seq, double publishedAt, boolean inOpenSession,
                          String servedBefore, String servedAfter, boolean queuedForNoSession) {

    public LostMessage(int session, String transport, long seq, double publishedAt, boolean inOpenSession,
                       String servedBefore, String servedAfter) {
        this(session, transport, seq, publishedAt, inOpenSession, servedBefore, servedAfter, false);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "t=%7.3fs session %d (%s) seq %d, %s%s; before: %s; after: %s", publishedAt,
                session, transport, seq, inOpenSession ? "session stayed open" : "session closed",
                queuedForNoSession ? ", the API queued it for no session" : "", servedBefore, servedAfter);
    }
}

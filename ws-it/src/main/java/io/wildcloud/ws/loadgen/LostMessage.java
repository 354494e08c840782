package io.wildcloud.ws.loadgen;

import java.util.Locale;

/**
 * One message the API accepted that never arrived: its session (slot) and transport, its seq, when
 * it was published (seconds since the measured publishing began, the clock fault records use too),
 * whether it was lost in a session that stayed open, and the session's requests around it (node
 * and outcome of the last one that ended before the publish and of the first one after; null if none).
 */
public record LostMessage(int session, String transport, long seq, double publishedAt, boolean inOpenSession,
                          String servedBefore, String servedAfter) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "t=%7.3fs session %d (%s) seq %d, %s; before: %s; after: %s", publishedAt,
                session, transport, seq, inOpenSession ? "session stayed open" : "session closed", servedBefore,
                servedAfter);
    }
}

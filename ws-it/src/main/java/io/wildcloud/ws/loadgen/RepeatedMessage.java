package io.wildcloud.ws.loadgen;

import java.util.Locale;

/**
 * One message that arrived again: its session (slot) and transport, its seq, when it was
 * published and when the repeat came (seconds since the measured publishing began), and the
 * session's last request that ended before the repeat (node and outcome; null if none).
 */
public record RepeatedMessage(int session, String transport, long seq, double publishedAt, double repeatedAt,
                              String servedBefore) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "t=%7.3fs session %d (%s) seq %d repeated at %.3fs; before: %s",
                publishedAt, session, transport, seq, repeatedAt, servedBefore);
    }
}

package io.wildcloud.ws.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * One session that ended while the run went on (its slot then reopens): its slot and transport,
 * when (seconds since the measured publishing began; negative in the warm-up), why (the close frame
 * or the client's failure), and the session's last requests before it ended (node and outcome),
 * so that a reopened session can be laid beside the fault that ended it.
 */
public record EndedSession(int session, String transport, double at, String why, List<String> lastServed) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "t=%7.3fs session %d (%s) ended: %s; last requests: %s", at, session,
                transport, why, lastServed);
    }
}

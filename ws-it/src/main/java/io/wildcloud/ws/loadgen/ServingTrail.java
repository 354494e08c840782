package io.wildcloud.ws.loadgen;

import java.util.ArrayList;
import java.util.List;

/**
 * Which node served each request of each session, and how it ended, so that a lost message can be
 * laid beside the requests around it: the last one before it was published and the first one
 * after (for a poll, the one that should have carried it). The node comes from the balancer's
 * {@code X-Served-By} header (the fault rig's HAProxy sets it); without it, {@code ?}. Bounded:
 * at most {@link #MAX_PER_SESSION} entries per session, the oldest dropped.
 */
final class ServingTrail {

    static final int MAX_PER_SESSION = 20_000;

    /** One request's end: when (System.nanoTime), which node, and what it came to. */
    record Served(long nanos, String node, String outcome) {
    }

    private final List<List<Served>> sessions = new ArrayList<>();

    ServingTrail(int sessions) {
        for (int i = 0; i < sessions; i++) {
            this.sessions.add(new ArrayList<>());
        }
    }

    void served(int session, String node, String outcome) {
        List<Served> trail = sessions.get(session);
        synchronized (trail) {
            if (trail.size() == MAX_PER_SESSION) {
                trail.remove(0);
            }
            trail.add(new Served(System.nanoTime(), node, outcome));
        }
    }

    /** The last request that ended before {@code nanos}, or null. */
    Served lastBefore(int session, long nanos) {
        List<Served> trail = sessions.get(session);
        synchronized (trail) {
            for (int i = trail.size() - 1; i >= 0; i--) {
                if (trail.get(i).nanos() < nanos) {
                    return trail.get(i);
                }
            }
        }
        return null;
    }

    /** The last {@code count} requests that ended before {@code nanos}, oldest first. */
    List<Served> lastBefore(int session, long nanos, int count) {
        List<Served> trail = sessions.get(session);
        List<Served> last = new ArrayList<>();
        synchronized (trail) {
            for (int i = trail.size() - 1; i >= 0 && last.size() < count; i--) {
                if (trail.get(i).nanos() < nanos) {
                    last.add(0, trail.get(i));
                }
            }
        }
        return last;
    }

    /** The first request that ended at or after {@code nanos}, or null. */
    Served firstAfter(int session, long nanos) {
        List<Served> trail = sessions.get(session);
        synchronized (trail) {
            for (Served served : trail) {
                if (served.nanos() >= nanos) {
                    return served;
                }
            }
        }
        return null;
    }
}

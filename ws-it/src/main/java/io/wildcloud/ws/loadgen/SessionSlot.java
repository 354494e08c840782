package io.wildcloud.ws.loadgen;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One simulated browser tab: a SockJS session, and a new one whenever it ends (a close frame, or a
 * connection or request that failed for good) while the run goes on, as an application using
 * sockjs-client reconnects after {@code onclose}; the waits between reopens back off from 250 ms to
 * 5 s, at most {@link #MAX_REOPENS} reopens. The slot tells the {@link DeliveryTracker} which
 * incarnation is open, so that losses in sessions the fault closed are told apart from losses in
 * sessions that stayed open.
 *
 * <p>With a churn lifetime, the slot also closes each session itself after a random share of it
 * (half to one and a half), as a user closing a tab, and opens the next one at once: the ends of
 * sessions whose client left then happen throughout a run, faults included.
 */
final class SessionSlot {

    static final int MAX_REOPENS = 1000;

    private final int index;
    private final Supplier<SessionClient> sessions;
    private final DeliveryTracker tracker;
    private final Backoff backoff = new Backoff(250, 5_000);
    private final AtomicInteger reopens = new AtomicInteger();
    private final Duration churn;
    private final ScheduledExecutorService timer;
    private volatile SessionClient current;
    private volatile boolean stopping;

    /** @param sessions makes a new session of this slot (a new session id, same socket and transport) */
    SessionSlot(int index, Supplier<SessionClient> sessions, DeliveryTracker tracker) {
        this(index, sessions, tracker, Duration.ZERO, null);
    }

    /**
     * @param churn the mean lifetime of a session before the slot closes it itself, or zero for none
     * @param timer runs those closes (needed only with a churn)
     */
    SessionSlot(int index, Supplier<SessionClient> sessions, DeliveryTracker tracker, Duration churn,
                ScheduledExecutorService timer) {
        this.index = index;
        this.sessions = sessions;
        this.tracker = tracker;
        this.churn = churn;
        this.timer = timer;
    }

    /** Opens the first session; completes when its open frame arrived. */
    CompletableFuture<Void> open() {
        return start();
    }

    private CompletableFuture<Void> start() {
        SessionClient client = sessions.get();
        current = client;
        client.onServed((node, outcome) -> tracker.served(index, node, outcome));
        CompletableFuture<Void> opened = client.open();
        opened.thenRun(() -> {
            backoff.succeeded();
            tracker.sessionOpened(index);
            if (!churn.isZero()) {
                long lifetime = churn.toMillis() / 2 + ThreadLocalRandom.current().nextLong(churn.toMillis() + 1);
                timer.schedule(() -> closeByClient(client), lifetime, TimeUnit.MILLISECONDS);
            }
        });
        client.closed().whenComplete((frame, error) -> ended(client, frame, error));
        return opened;
    }

    // Synchronized with closeByClient and stop: a fault and a churn close at once must not both start a session.
    private synchronized void ended(SessionClient client, SockJsFrame frame, Throwable error) {
        if (stopping || client != current) {
            return;
        }
        current = null; // until the reopen: a churn close finds no session to close
        tracker.sessionEnded(index, frame != null ? frame.text() : String.valueOf(error));
        // Nothing more from it: a stream of a session the server lost would go on delivering.
        client.stop();
        if (reopens.incrementAndGet() > MAX_REOPENS) {
            return;
        }
        backoff.failedThen(() -> {
            synchronized (this) {
                if (!stopping && current == null) {
                    start();
                }
            }
        });
    }

    // The session is no longer current before it stops, so that its close is not taken for a fault.
    private synchronized void closeByClient(SessionClient client) {
        if (stopping || client != current) {
            return;
        }
        current = null;
        tracker.sessionClosedByClient(index);
        client.stop();
        if (!stopping) {
            start();
        }
    }

    int reopens() {
        return reopens.get();
    }

    synchronized void stop() {
        stopping = true;
        SessionClient client = current;
        if (client != null) {
            client.stop();
        }
    }
}

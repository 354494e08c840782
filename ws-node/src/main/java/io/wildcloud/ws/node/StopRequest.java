package io.wildcloud.ws.node;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stop asked for at any moment of a node's life (SIGTERM: the process's shutdown hook, made
 * before the start). While the node starts, the start checks it between its steps, the warm-up
 * stops at once, and a start that sees it closes what it built instead of binding the ports; once
 * the node is started, the stop is its drain ({@link WsNode#close()}).
 *
 * <p>The check before the ports bind and the bind itself hold this object's lock, as does
 * {@link #stop}: a stop either comes before the bind (no port is bound) or after the node is
 * started (it drains).
 */
final class StopRequest {

    /** What each step of the start that waits does at a stop, by the step's name. */
    private final Map<String, Runnable> onStop = new ConcurrentHashMap<>();
    private final CountDownLatch startEnded = new CountDownLatch(1);
    private volatile boolean requested;
    private volatile WsNode node;

    /** Thrown by a start that a stop request ended; what it built is closed by then. */
    static final class StartStopped extends RuntimeException {
        StartStopped(String step) {
            super("start stopped (" + step + ")");
        }
    }

    /** Forgets an action of {@link #whileStarting}. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    boolean requested() {
        return requested;
    }

    /** Ends the start here if a stop was asked for. */
    void checkBefore(String step) {
        if (requested) {
            throw new StartStopped("before " + step);
        }
    }

    /**
     * Runs {@code action} when a stop is asked for (at once if it was already), until the returned
     * handle forgets it. For the steps of the start that wait: they end their wait early.
     */
    Registration whileStarting(String step, Runnable action) {
        onStop.put(step, action);
        if (requested) {
            action.run();
        }
        return () -> onStop.remove(step, action);
    }

    /** The steps of the start waiting now ({@link #whileStarting}), for tests. */
    Set<String> waitingSteps() {
        return new TreeSet<>(onStop.keySet());
    }

    /** The start ended: with the started node, or {@code null} when it failed or was stopped ({@link WsNode#start}). */
    void startEnded(WsNode started) {
        node = started;
        startEnded.countDown();
    }

    /**
     * The shutdown hook's work: stops the start if it still runs, waits up to {@code startBound}
     * for it to close what it built, then drains a started node.
     */
    void stop(Duration startBound) {
        synchronized (this) {
            requested = true;
        }
        onStop.values().forEach(Runnable::run);
        try {
            if (!startEnded.await(startBound.toMillis(), TimeUnit.MILLISECONDS)) {
                return; // the start is stuck (an engine still connecting): exiting matters more
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        WsNode started = node;
        if (started != null) {
            started.close();
        }
    }
}

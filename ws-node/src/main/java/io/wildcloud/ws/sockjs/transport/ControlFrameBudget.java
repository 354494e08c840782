package io.wildcloud.ws.sockjs.transport;

/**
 * A token bucket for the control frames (ping, pong, close) one websocket sends: {@code perSecond}
 * a second sustained, and as many at once. Each ping costs the node a pong it must write, so a
 * client that pings without end (and reads nothing) would otherwise set the node's pace and memory.
 * Used on the connection's event loop only.
 */
final class ControlFrameBudget {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long capacity;
    private final long nanosPerFrame;
    /** Frames left, in nanoseconds of refill ({@code nanosPerFrame} per frame), so no fractions. */
    private long available;
    private long refilledAt;

    ControlFrameBudget(int perSecond, long now) {
        this.capacity = perSecond;
        this.nanosPerFrame = NANOS_PER_SECOND / perSecond;
        this.available = capacity * nanosPerFrame;
        this.refilledAt = now;
    }

    /** Takes one frame's worth at {@code now} (nanoseconds); false when the budget is spent. */
    boolean take(long now) {
        available = Math.min(capacity * nanosPerFrame, available + (now - refilledAt));
        refilledAt = now;
        if (available < nanosPerFrame) {
            return false;
        }
        available -= nanosPerFrame;
        return true;
    }
}

package io.wildcloud.ws.node.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.wildcloud.ws.node.config.ConnectionLimits;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The clock of one connection's {@link RequestGuard}: the time to receive a request's head, the
 * idle time between requests, and the time and pace of a body. One timer on the connection's event
 * loop at a time, set for the next moment something falls due; when a limit has run out it tells
 * the guard which ({@link Lapse}) and stops. Nothing is timed while a request is being served (a
 * held poll or a stream has its own heartbeat).
 *
 * <p>Event loop only.
 */
final class RequestTimer {

    /** Which limit ran out. */
    enum Lapse {
        /** Part of a head came, not all of it, within {@code request-head-timeout}. */
        HEAD,
        /** A new connection sent nothing within {@code request-head-timeout}. */
        NOTHING_SENT,
        /** A keep-alive connection sent no next request within {@code idle-timeout}. */
        IDLE,
        /** A body did not complete within {@code body-timeout}. */
        BODY,
        /** A body brought less than {@code body-progress-bytes} in a {@code body-progress-interval}. */
        BODY_PROGRESS
    }

    private final ConnectionLimits limits;
    private final BooleanSupplier serving;
    private final Consumer<Lapse> lapsed;
    private ChannelHandlerContext ctx;

    /** Since when the connection waits for a request: its start, or the end of the last response. */
    private long waitingSince;
    /** When the first byte of the next request's head arrived; -1 before. */
    private long headStartedAt = -1;
    private boolean requestSeen;
    private boolean receivingBody;
    private long bodyStartedAt;
    private long windowStartedAt;
    private long windowBytes;
    private boolean stopped;
    private ScheduledFuture<?> timer;
    private long timerAt;

    /**
     * @param serving whether a request is in progress (its response not ended): not timed then
     * @param lapsed told once, on the event loop, which limit ran out
     */
    RequestTimer(ConnectionLimits limits, BooleanSupplier serving, Consumer<Lapse> lapsed) {
        this.limits = limits;
        this.serving = serving;
        this.lapsed = lapsed;
    }

    /** The connection starts waiting for its first request. */
    void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        waitingSince = System.nanoTime();
        rearm();
    }

    /** Bytes came while no request is in progress: the first of them starts the head's clock. */
    void headBytes() {
        if (!receivingBody && headStartedAt < 0) {
            headStartedAt = System.nanoTime();
            rearm();
        }
    }

    /** A whole head was decoded. */
    void headArrived() {
        headStartedAt = -1;
        requestSeen = true;
    }

    /** The head was admitted; {@code bodyFollows} when body pieces are still to come. */
    void requestAdmitted(boolean bodyFollows) {
        receivingBody = bodyFollows;
        bodyStartedAt = System.nanoTime();
        windowStartedAt = bodyStartedAt;
        windowBytes = 0;
        rearm();
    }

    void bodyBytes(int count) {
        windowBytes += count;
    }

    /** The last piece of the body arrived; call {@link #rearm} once it is handed on. */
    void bodyEnded() {
        receivingBody = false;
    }

    boolean receivingBody() {
        return receivingBody;
    }

    /** The last response in progress ended: the connection waits for its next request. */
    void responsesEnded() {
        waitingSince = System.nanoTime();
        rearm();
    }

    /** No more timing: the connection was refused, upgraded or closed. */
    void stop() {
        stopped = true;
        cancel();
    }

    /** Cancels the timer until the next {@link #rearm}, which schedules it on the connection's loop of then. */
    void suspend() {
        cancel();
    }

    void rearm() {
        if (ctx == null || stopped) {
            return;
        }
        long deadline = nextDeadline();
        if (deadline == Long.MAX_VALUE || timer != null && timerAt <= deadline) {
            // A timer that is set stays set: it fires first, finds nothing due, and re-arms then.
            // Cancelling it for every request served and scheduling it again at the next one cost
            // a keep-alive API connection three timer changes per request (head, body, idle).
            return;
        }
        cancel();
        timerAt = deadline;
        timer = ctx.executor().schedule(this::onTimer, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The next moment something must be checked; {@link Long#MAX_VALUE} when nothing is timed. */
    private long nextDeadline() {
        if (receivingBody) {
            return Math.min(bodyStartedAt + limits.bodyTimeout().toNanos(),
                    windowStartedAt + limits.bodyProgressInterval().toNanos());
        }
        if (serving.getAsBoolean()) {
            return Long.MAX_VALUE; // being served: a held poll or a stream is not idle
        }
        if (!requestSeen) {
            return waitingSince + limits.requestHeadTimeout().toNanos();
        }
        return headStartedAt >= 0 ? headStartedAt + limits.requestHeadTimeout().toNanos()
                : waitingSince + limits.idleTimeout().toNanos();
    }

    private void onTimer() {
        timer = null;
        if (stopped || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (receivingBody && !ctx.channel().config().isAutoRead()) {
            // The node stopped reading (the request waits for the answer before it, or the
            // connection moves between loops): the body's slowness is not the client's. Its
            // clocks start again from here.
            bodyStartedAt = now;
            windowStartedAt = now;
            windowBytes = 0;
        } else if (receivingBody) {
            if (now - bodyStartedAt >= limits.bodyTimeout().toNanos()) {
                lapse(Lapse.BODY);
                return;
            }
            if (now - windowStartedAt >= limits.bodyProgressInterval().toNanos()) {
                if (windowBytes < limits.bodyProgressBytes()) {
                    lapse(Lapse.BODY_PROGRESS);
                    return;
                }
                windowStartedAt = now;
                windowBytes = 0;
            }
        } else if (!serving.getAsBoolean() && now - nextDeadline() >= 0) {
            lapse(headStartedAt >= 0 ? Lapse.HEAD : requestSeen ? Lapse.IDLE : Lapse.NOTHING_SENT);
            return;
        }
        rearm();
    }

    private void lapse(Lapse lapse) {
        stop();
        lapsed.accept(lapse);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

package io.wildcloud.ws.push.callback;

import io.netty.channel.EventLoopGroup;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty {@link Timer} on the node's event loops, for the callback HTTP client's request and read
 * timeouts, so that the client needs no timer thread of its own (its default, a
 * {@code HashedWheelTimer}, wakes every tick whether or not a timeout is due). A timeout goes to
 * the caller's loop when the caller is one of the group's (the request's channel loop, as a rule),
 * else to the next. The node owns the loops: {@link #stop} cancels nothing; timeouts still pending
 * end with the loops.
 */
final class EventLoopTimer implements Timer {

    private static final Logger log = LoggerFactory.getLogger(EventLoopTimer.class);

    private final EventLoopGroup group;

    EventLoopTimer(EventLoopGroup group) {
        this.group = group;
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        LoopTimeout timeout = new LoopTimeout(task);
        timeout.future = loop().schedule(timeout, delay, unit);
        return timeout;
    }

    private EventExecutor loop() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return group.next();
    }

    @Override
    public Set<Timeout> stop() {
        return Set.of();
    }

    private final class LoopTimeout implements Timeout, Runnable {

        private static final int PENDING = 0;
        private static final int EXPIRED = 1;
        private static final int CANCELLED = 2;

        private final TimerTask task;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        /** Set just after scheduling: a cancel that comes first leaves the task to find itself cancelled. */
        private volatile ScheduledFuture<?> future;

        LoopTimeout(TimerTask task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (state.compareAndSet(PENDING, EXPIRED)) {
                try {
                    task.run(this);
                } catch (Throwable t) {
                    log.warn("a callback timeout task failed", t);
                }
            }
        }

        @Override
        public Timer timer() {
            return EventLoopTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return state.get() == EXPIRED;
        }

        @Override
        public boolean isCancelled() {
            return state.get() == CANCELLED;
        }

        @Override
        public boolean cancel() {
            if (!state.compareAndSet(PENDING, CANCELLED)) {
                return false;
            }
            ScheduledFuture<?> scheduled = future;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            return true;
        }
    }
}

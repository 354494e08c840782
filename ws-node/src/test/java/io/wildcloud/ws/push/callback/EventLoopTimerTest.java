package io.wildcloud.ws.push.callback;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopTimerTest {

    private final EventLoopGroup loops = new DefaultEventLoopGroup(2);
    private final EventLoopTimer timer = new EventLoopTimer(loops);

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aTimeoutFiresOnceOnALoopAndIsThenExpired() throws Exception {
        CompletableFuture<Timeout> fired = new CompletableFuture<>();
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        Timeout timeout = timer.newTimeout(t -> {
            onLoop.complete(inSomeLoop());
            fired.complete(t);
        }, 20, TimeUnit.MILLISECONDS);
        assertSame(timeout, fired.get(5, TimeUnit.SECONDS));
        assertTrue(onLoop.get(), "ran on one of the group's loops");
        assertTrue(timeout.isExpired());
        assertFalse(timeout.cancel(), "an expired timeout cannot be cancelled");
        assertSame(timer, timeout.timer());
    }

    @Test
    void aCancelledTimeoutNeverFires() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Timeout cancelled = timer.newTimeout(t -> ran.countDown(), 50, TimeUnit.MILLISECONDS);
        assertTrue(cancelled.cancel());
        assertTrue(cancelled.isCancelled());
        // A later timeout on the same loops fires: by then the cancelled one's time has passed too.
        CountDownLatch later = new CountDownLatch(1);
        timer.newTimeout(t -> later.countDown(), 150, TimeUnit.MILLISECONDS);
        assertTrue(later.await(5, TimeUnit.SECONDS));
        assertFalse(ran.await(0, TimeUnit.MILLISECONDS), "the cancelled task ran");
    }

    @Test
    void aTimeoutMadeOnALoopStaysOnThatLoop() throws Exception {
        CompletableFuture<Thread> scheduledFrom = new CompletableFuture<>();
        CompletableFuture<Thread> firedOn = new CompletableFuture<>();
        loops.next().execute(() -> {
            scheduledFrom.complete(Thread.currentThread());
            timer.newTimeout(t -> firedOn.complete(Thread.currentThread()), 10, TimeUnit.MILLISECONDS);
        });
        assertSame(scheduledFrom.get(5, TimeUnit.SECONDS), firedOn.get(5, TimeUnit.SECONDS));
    }

    private boolean inSomeLoop() {
        for (var loop : loops) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }
}

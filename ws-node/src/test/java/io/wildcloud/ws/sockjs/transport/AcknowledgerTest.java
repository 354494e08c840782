package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import io.wildcloud.ws.testing.Waits;
import org.junit.jupiter.api.Test;

class AcknowledgerTest {

    /** The store's queue bound: a quarter of it, written and unacknowledged, is acknowledged at once. */
    private static final int MAX_QUEUE_LENGTH = 40;
    /** The store's bound of a queue's bytes: a quarter of it too. */
    private static final int MAX_QUEUE_BYTES = 1200;

    /** The acknowledgements the store was asked for, each answered when the test says. */
    private final List<Long> asked = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> answers = new CopyOnWriteArrayList<>();
    private final SessionStore store = (SessionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("maxQueueLength")) {
                    return MAX_QUEUE_LENGTH;
                }
                if (method.getName().equals("maxQueueBytes")) {
                    return MAX_QUEUE_BYTES;
                }
                if (!method.getName().equals("acknowledge")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                asked.add((Long) args[2]);
                CompletableFuture<Void> answer = new CompletableFuture<>();
                answers.add(answer);
                return answer;
            });

    private static final long TICK_MILLIS = TimeUnit.NANOSECONDS.toMillis(Acknowledger.TICK_NANOS);

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

    private Acknowledger acknowledger() {
        return acknowledger(Duration.ZERO);
    }

    private Acknowledger acknowledger(Duration interval) {
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        return new Acknowledger(ctx, store, new SessionKey("scope", "session"), new ReceiverId("node", 1), interval);
    }

    @Test
    void withAnIntervalWritesMeanwhileGoInOneAcknowledgementWhenItIsOver() {
        Acknowledger acknowledger = acknowledger(Duration.ofMillis(250));
        acknowledger.delivered(1, 1);
        acknowledger.delivered(2, 1);
        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(), asked);
        acknowledger.delivered(3, 1);
        // Due on the next tick of the acknowledgement grid after the interval.
        channel.advanceTimeBy(50 + TICK_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(3L), asked);
        answers.get(0).complete(null);
        acknowledger.delivered(4, 1);
        acknowledger.stop();
        channel.advanceTimeBy(250, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(3L), asked, "nothing after stop");
    }

    @Test
    void delayedAcknowledgementsFallDueOnOneGrid() {
        long interval = TimeUnit.SECONDS.toNanos(1);
        for (long now : new long[] {0, 1, Acknowledger.TICK_NANOS - 1, Acknowledger.TICK_NANOS, 123_456_789_012L, -5}) {
            long delay = Acknowledger.alignedDelay(now, interval);
            assertTrue(delay >= interval && delay <= interval + Acknowledger.TICK_NANOS, "delay " + delay);
            assertEquals(0, Math.floorMod(now + delay, Acknowledger.TICK_NANOS), "due at " + (now + delay));
        }
    }

    @Test
    void withAnIntervalAQuarterOfTheQueueBoundIsAcknowledgedAtOnce() {
        Acknowledger acknowledger = acknowledger(Duration.ofSeconds(1));
        for (long seq = 1; seq < 10; seq++) {
            acknowledger.delivered(seq, 1);
        }
        assertEquals(List.of(), asked);
        acknowledger.delivered(10, 1);
        assertEquals(List.of(10L), asked, "10 of a bound of 40 unacknowledged");
        acknowledger.delivered(11, 1);
        acknowledger.delivered(20, 1);
        assertEquals(List.of(10L), asked, "one in flight at a time");
        answers.get(0).complete(null);
        assertEquals(List.of(10L, 20L), asked, "what was written meanwhile goes when the answer comes");
        answers.get(1).complete(null);
        acknowledger.delivered(21, 1);
        channel.advanceTimeBy(1000 + TICK_MILLIS, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(10L, 20L, 21L), asked, "the rest when the interval is over");
    }

    @Test
    void withAnIntervalAQuarterOfTheByteBoundIsAcknowledgedAtOnce() {
        Acknowledger acknowledger = acknowledger(Duration.ofSeconds(1));
        // 300 bytes are a quarter of 1200; a character counts as up to 3 bytes: 100 characters.
        acknowledger.delivered(1, 60);
        acknowledger.delivered(2, 39);
        assertEquals(List.of(), asked, "99 characters, at most 297 bytes");
        acknowledger.delivered(3, 1);
        assertEquals(List.of(3L), asked, "100 characters, up to 300 bytes, unacknowledged");
        answers.get(0).complete(null);
        acknowledger.delivered(4, 99);
        assertEquals(List.of(3L), asked, "counted again from the last acknowledgement");
        acknowledger.delivered(5, 1);
        assertEquals(List.of(3L, 5L), asked);
    }

    @Test
    void oneInFlightAndWhatWasWrittenMeanwhileGoesNextFromTheAnsweringThread() throws Exception {
        Acknowledger acknowledger = acknowledger();
        acknowledger.delivered(1, 1);
        acknowledger.delivered(2, 1);
        acknowledger.delivered(5, 1);
        assertEquals(List.of(1L), asked);
        Thread answering = new Thread(() -> answers.get(0).complete(null));
        answering.start();
        answering.join();
        assertEquals(List.of(1L, 5L), asked);
        answers.get(1).complete(null);
        acknowledger.delivered(4, 1); // older than what was acknowledged: nothing to send
        assertEquals(List.of(1L, 5L), asked);
        acknowledger.delivered(6, 1);
        assertEquals(List.of(1L, 5L, 6L), asked);
    }

    @Test
    void aFailedAcknowledgementIsRetriedByTheNextWriteNotInALoop() {
        Acknowledger acknowledger = acknowledger();
        acknowledger.delivered(3, 1);
        answers.get(0).completeExceptionally(new IllegalStateException("store down"));
        assertEquals(List.of(3L), asked);
        acknowledger.delivered(4, 1);
        assertEquals(List.of(3L, 4L), asked);
    }

    @Test
    void nothingAfterStop() {
        Acknowledger acknowledger = acknowledger();
        acknowledger.delivered(1, 1);
        acknowledger.stop();
        answers.get(0).complete(null);
        acknowledger.delivered(2, 1);
        assertEquals(List.of(1L), asked);
    }

    @Test
    void theDelayedAcknowledgementsOfALoopsSessionsShareOneScheduledTaskPerTick() throws Exception {
        AtomicInteger scheduled = new AtomicInteger();
        DefaultEventLoop loop = new DefaultEventLoop() {
            @Override
            public io.netty.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                scheduled.incrementAndGet();
                return super.schedule(task, delay, unit);
            }
        };
        try {
            LocalChannel connection = new LocalChannel();
            connection.pipeline().addLast(new ChannelInboundHandlerAdapter());
            loop.register(connection).sync();
            ChannelHandlerContext ctx = connection.pipeline().firstContext();
            List<Acknowledger> sessions = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sessions.add(new Acknowledger(ctx, store, new SessionKey("scope", "s" + i), new ReceiverId("node", i),
                        Duration.ofMillis(200)));
            }
            loop.submit(() -> sessions.forEach(session -> session.delivered(1, 1))).sync();
            loop.submit(() -> sessions.get(0).stop()).sync();
            assertTrue(scheduled.get() <= 2, scheduled + " tasks scheduled (one, or two across a tick)");
            Waits.await(() -> asked.size() == 99, "the 99 not stopped acknowledged", Duration.ofSeconds(10));
            answers.forEach(answer -> answer.complete(null));
            loop.submit(() -> sessions.get(1).delivered(3, 1)).sync();
            Waits.await(() -> asked.size() == 100, "a later write starts the next tick", Duration.ofSeconds(10));
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}

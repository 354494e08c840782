package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CommandGateTest {

    @Test
    void closeWaitsForAHandOverUnderWayAndLetsNoneStartAfter() throws Exception {
        CommandGate gate = new CommandGate(() -> true);
        CountDownLatch handing = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean handedOver = new AtomicBoolean();
        Thread sender = new Thread(() -> gate.handOver(() -> {
            handing.countDown();
            await(finish);
            handedOver.set(true);
            return CompletableFuture.completedFuture(null);
        }));
        sender.start();
        assertTrue(handing.await(5, TimeUnit.SECONDS));

        Thread closer = new Thread(() -> gate.close(Duration.ofSeconds(10)));
        closer.start();
        closer.join(200);
        assertTrue(closer.isAlive(), "close returned while a command was being handed over");
        finish.countDown();
        closer.join(5_000);
        assertFalse(closer.isAlive());
        assertTrue(handedOver.get());

        AtomicBoolean called = new AtomicBoolean();
        CompletableFuture<Object> late = gate.handOver(() -> {
            called.set(true);
            return CompletableFuture.completedFuture(null);
        }).toCompletableFuture();
        assertTrue(late.isCompletedExceptionally(), "a hand-over after close fails at once");
        assertFalse(called.get(), "and never reaches the client");
        sender.join(5_000);
    }

    @Test
    void aClientShutDownByOthersTakesNothing() {
        CommandGate gate = new CommandGate(() -> false);
        assertFalse(gate.open());
        assertTrue(gate.handOver(() -> CompletableFuture.completedFuture(1)).toCompletableFuture()
                .isCompletedExceptionally());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

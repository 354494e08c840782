package io.wildcloud.ws.node.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SharedRenders}: renders counted, not timed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedRendersTest {

    @Test
    void scrapesAskedForWhileOneRendersShareTheNextAndOneRendersAtATime() throws Exception {
        Semaphore mayFinish = new Semaphore(0);
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger made = new AtomicInteger();
        try (SharedRenders renders = new SharedRenders(() -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            firstStarted.countDown();
            mayFinish.acquireUninterruptibly();
            running.decrementAndGet();
            return new byte[] {(byte) made.incrementAndGet()};
        }, "render-test")) {
            CompletableFuture<SharedRenders.Rendered> first = renders.request();
            firstStarted.await();
            List<CompletableFuture<SharedRenders.Rendered>> waiting = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                waiting.add(renders.request()); // 8 scrapers while the first render runs
            }
            for (CompletableFuture<SharedRenders.Rendered> one : waiting) {
                assertSame(waiting.get(0), one, "they share one render");
            }
            assertNotSame(first, waiting.get(0), "a render that began before a scrape was asked for does not answer it");
            assertFalse(waiting.get(0).isDone());
            mayFinish.release(2);
            assertArrayEquals(new byte[] {1}, first.get().text());
            assertArrayEquals(new byte[] {2}, waiting.get(0).get().text());
            assertEquals(2, waiting.get(0).get().number());
            assertSame(waiting.get(0).get(), renders.last());
            assertEquals(2, renders.started(), "nine scrapes, two renders");
            assertEquals(1, mostAtOnce.get(), "one render at a time");
        }
    }

    @Test
    void aFailedRenderFailsItsScrapesAndTheNextRendersAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (SharedRenders renders = new SharedRenders(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("broken meter");
            }
            return new byte[] {7};
        }, "render-test")) {
            assertThrows(ExecutionException.class, () -> renders.request().get());
            assertArrayEquals(new byte[] {7}, renders.request().get().text());
        }
    }

    @Test
    void aScrapeAfterTheCloseFailsInsteadOfWaiting() {
        SharedRenders renders = new SharedRenders(() -> new byte[0], "render-test");
        renders.close();
        assertThrows(ExecutionException.class, () -> renders.request().get());
    }
}

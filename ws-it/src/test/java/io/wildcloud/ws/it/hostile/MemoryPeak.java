package io.wildcloud.ws.it.hostile;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The highest direct memory and RSS of a node while an attack runs, sampled every 250 ms (a /metrics scrape costs the node too). */
final class MemoryPeak implements AutoCloseable {

    private final HostileNode node;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong direct = new AtomicLong();
    private final AtomicLong rss = new AtomicLong();
    private final Thread sampler;

    MemoryPeak(HostileNode node) {
        this.node = node;
        sample();
        this.sampler = new Thread(() -> {
            while (running.get()) {
                try {
                    sample();
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | AssertionError busy) {
                    // a sample the node did not answer in time: the health prober reports that
                }
            }
        }, "memory-peak");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        direct.accumulateAndGet(node.directMemoryBytes(), Math::max);
        rss.accumulateAndGet(node.rssBytes(), Math::max);
    }

    long directBytes() {
        return direct.get();
    }

    long rssBytes() {
        return rss.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        sampler.join(5_000);
        sample();
    }

    @Override
    public String toString() {
        return "peak direct memory " + (direct.get() >> 20) + " MiB, peak RSS " + (rss.get() >> 20) + " MiB";
    }
}

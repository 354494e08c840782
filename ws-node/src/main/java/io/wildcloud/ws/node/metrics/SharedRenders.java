package io.wildcloud.ws.node.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The node's scrapes, rendered off the event loops on one daemon thread, one render at a time:
 * a render costs tens of milliseconds of CPU on a loaded node, and whoever reaches the API port
 * may scrape in a loop. Every scrape is answered by a render that starts after it was asked for
 * (a scrape right after an action sees it counted), and all the scrapes asked for while a render
 * runs share the next one: however many scrape, the node renders at most one at a time and at
 * most one more waits. Renders are numbered as they start: a scrape that noted {@link #started()}
 * when it arrived may take any render numbered above it, such as {@link #last()}.
 */
final class SharedRenders implements AutoCloseable {

    private final Supplier<byte[]> render;
    private final ExecutorService thread;
    private final AtomicLong started = new AtomicLong();
    /** The last render that completed; null before the first. */
    private volatile Rendered last;
    /** The render the next scrapes share: not started yet; null when none was asked for. */
    private CompletableFuture<Rendered> next;
    private boolean rendering;

    SharedRenders(Supplier<byte[]> render, String threadName) {
        this.render = render;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** One render's text (UTF-8, shared: never changed) and its number, counted from 1 as renders start. */
    record Rendered(long number, byte[] text) {
    }

    /** A render that starts after this call; completes on the render thread (failed if the node is closing). */
    synchronized CompletableFuture<Rendered> request() {
        if (next == null) {
            next = new CompletableFuture<>();
            CompletableFuture<Rendered> mine = next;
            if (!rendering) {
                startNext();
            }
            return mine;
        }
        return next;
    }

    /** How many renders have started: scrapes that shared one count once. */
    long started() {
        return started.get();
    }

    /** The last render that completed, or null. */
    Rendered last() {
        return last;
    }

    private void startNext() { // holding this
        CompletableFuture<Rendered> result = next;
        next = null;
        rendering = true;
        try {
            thread.execute(() -> run(result));
        } catch (RejectedExecutionException closed) {
            rendering = false;
            result.completeExceptionally(closed);
        }
    }

    private void run(CompletableFuture<Rendered> result) {
        // Numbered before it reads a meter: a scrape that saw a lower count arrived before its values.
        long number = started.incrementAndGet();
        try {
            Rendered rendered = new Rendered(number, render.get());
            last = rendered;
            result.complete(rendered);
        } catch (Throwable t) {
            result.completeExceptionally(t);
        } finally {
            synchronized (this) {
                rendering = false;
                if (next != null) {
                    startNext();
                }
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}

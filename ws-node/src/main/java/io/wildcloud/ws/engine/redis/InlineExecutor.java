package io.wildcloud.ws.engine.redis;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task at once on the calling thread. Given to Redisson as its executor so that a
 * pub/sub message reaches the engine's listener on the Redis connection's own I/O thread, which
 * decoded it, instead of being handed to a pool thread first: one thread hop and wake-up less per
 * delivered message. Fit only because every listener the engine registers returns at once (they
 * hand work to event loops and never wait on Redis).
 */
final class InlineExecutor extends AbstractExecutorService {

    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("the Redis client is shut down");
        }
        task.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}

package io.wildcloud.ws.edge;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks for event loops gathered while a thread hands many of them out at once (a batch publish
 * reaching a hundred sessions, a wake-up naming many), then queued as one task per loop instead
 * of one per session: the loop's task queue, its wake-up and the per-task bookkeeping are paid
 * once per batch. Outside a {@link #gather()} scope, {@link #execute} queues at once.
 *
 * <p>A task gathered runs later than it would have: callers whose tasks must keep an order with
 * tasks of other threads keep that order themselves (a receiver queues its events in its own
 * inbox, and the task handed out here only drains it).
 */
public final class LoopHandoffs {

    private static final Logger LOG = LoggerFactory.getLogger(LoopHandoffs.class);

    private static final FastThreadLocal<LoopHandoffs> OF_THIS_THREAD = new FastThreadLocal<>() {
        @Override
        protected LoopHandoffs initialValue() {
            return new LoopHandoffs();
        }
    };

    /** Open scopes on this thread; tasks are gathered while above 0. */
    private int depth;
    private final Map<EventExecutor, List<Runnable>> gathered = new IdentityHashMap<>();
    private final Scope scope = this::close;

    private LoopHandoffs() {
    }

    /** The end of a {@link #gather()} scope; closing it queues what was gathered. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Gathers this thread's {@link #execute} calls until the scope closes (scopes nest). */
    public static Scope gather() {
        LoopHandoffs handoffs = OF_THIS_THREAD.get();
        handoffs.depth++;
        return handoffs.scope;
    }

    /** Queues {@code task} on {@code loop}: now, or at the end of this thread's open scope. */
    public static void execute(EventExecutor loop, Runnable task) {
        LoopHandoffs handoffs = OF_THIS_THREAD.get();
        if (handoffs.depth == 0) {
            loop.execute(task);
            return;
        }
        handoffs.gathered.computeIfAbsent(loop, l -> new ArrayList<>()).add(task);
    }

    private void close() {
        if (--depth > 0 || gathered.isEmpty()) {
            return;
        }
        try {
            for (Map.Entry<EventExecutor, List<Runnable>> loop : gathered.entrySet()) {
                List<Runnable> tasks = loop.getValue();
                try {
                    loop.getKey().execute(tasks.size() == 1 ? tasks.get(0) : () -> runAll(tasks));
                } catch (RejectedExecutionException e) {
                    // A loop that stopped (node shutdown) closed its channels: its tasks have nobody
                    // to serve. The other loops' tasks still go, and nothing stays for a later scope.
                    LOG.warn("{} task(s) for a stopped event loop dropped: {}", tasks.size(), e.toString());
                }
            }
        } finally {
            gathered.clear();
        }
    }

    private static void runAll(List<Runnable> tasks) {
        for (int i = 0; i < tasks.size(); i++) {
            try {
                tasks.get(i).run();
            } catch (RuntimeException e) {
                // As the loop does with a failing task: logged, and the others still run.
                LOG.warn("a task handed to the event loop failed", e);
            }
        }
    }
}

package io.wildcloud.ws.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoopHandoffsTest {

    private final DefaultEventExecutor a = new DefaultEventExecutor();
    private final DefaultEventExecutor b = new DefaultEventExecutor();
    private final List<String> ran = new CopyOnWriteArrayList<>();
    /** Holds both loops busy, so that what is handed to them stays in their queues to be counted. */
    private final CountDownLatch hold = new CountDownLatch(1);

    @BeforeEach
    void holdLoops() throws Exception {
        for (DefaultEventExecutor loop : List.of(a, b)) {
            CountDownLatch started = new CountDownLatch(1);
            loop.execute(() -> {
                started.countDown();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            started.await(5, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        hold.countDown();
        a.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        b.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void outsideAScopeEachTaskIsQueuedAtOnce() throws Exception {
        LoopHandoffs.execute(a, () -> ran.add("a1"));
        LoopHandoffs.execute(a, () -> ran.add("a2"));
        assertEquals(2, a.pendingTasks());
        settle(a);
        assertEquals(List.of("a1", "a2"), ran);
    }

    @Test
    void aScopeQueuesOneTaskPerLoopWhenItCloses() throws Exception {
        try (LoopHandoffs.Scope scope = LoopHandoffs.gather()) {
            LoopHandoffs.execute(a, () -> ran.add("a1"));
            LoopHandoffs.execute(b, () -> ran.add("b1"));
            LoopHandoffs.execute(a, () -> ran.add("a2"));
            LoopHandoffs.execute(a, () -> ran.add("a3"));
            assertEquals(0, a.pendingTasks() + b.pendingTasks(), "nothing queued while the scope is open");
        }
        assertEquals(1, a.pendingTasks());
        assertEquals(1, b.pendingTasks());
        settle(a);
        settle(b);
        assertEquals(List.of("a1", "a2", "a3"), ran.stream().filter(t -> t.startsWith("a")).toList(),
                "a loop's tasks in the order they were handed out");
        assertEquals(4, ran.size());
    }

    @Test
    void nestedScopesQueueAtTheOutermostEnd() throws Exception {
        try (LoopHandoffs.Scope outer = LoopHandoffs.gather()) {
            try (LoopHandoffs.Scope inner = LoopHandoffs.gather()) {
                LoopHandoffs.execute(a, () -> ran.add("a1"));
            }
            assertEquals(0, a.pendingTasks());
            LoopHandoffs.execute(a, () -> ran.add("a2"));
        }
        assertEquals(1, a.pendingTasks());
        LoopHandoffs.execute(a, () -> ran.add("a3"));
        assertEquals(2, a.pendingTasks(), "after the scope, at once again");
        settle(a);
        assertEquals(List.of("a1", "a2", "a3"), ran);
    }

    @Test
    void aFailingTaskDoesNotDropTheOthers() throws Exception {
        try (LoopHandoffs.Scope scope = LoopHandoffs.gather()) {
            LoopHandoffs.execute(a, () -> ran.add("a1"));
            LoopHandoffs.execute(a, () -> {
                throw new IllegalStateException("a task's bug");
            });
            LoopHandoffs.execute(a, () -> ran.add("a3"));
        }
        settle(a);
        assertEquals(List.of("a1", "a3"), ran);
    }

    @Test
    void aLoopThatRejectsDoesNotStrandTheOtherLoopsTasks() throws Exception {
        DefaultEventExecutor stopped = new DefaultEventExecutor();
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        // Several live loops around the stopped one, whichever order the scope queues them in.
        try (LoopHandoffs.Scope scope = LoopHandoffs.gather()) {
            LoopHandoffs.execute(stopped, () -> ran.add("stopped"));
            LoopHandoffs.execute(a, () -> ran.add("a1"));
            LoopHandoffs.execute(b, () -> ran.add("b1"));
        }
        settle(a);
        settle(b);
        assertEquals(List.of("a1", "b1"), ran.stream().sorted().toList(),
                "the live loops' tasks queued although one loop rejected its task");
        ran.clear();
        try (LoopHandoffs.Scope scope = LoopHandoffs.gather()) {
            LoopHandoffs.execute(a, () -> ran.add("a2"));
        }
        settle(a);
        assertEquals(List.of("a2"), ran, "nothing of the earlier scope queued again");
    }

    /** Lets the loops go and waits until the tasks queued on {@code loop} so far have run. */
    private void settle(DefaultEventExecutor loop) throws Exception {
        hold.countDown();
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }
}

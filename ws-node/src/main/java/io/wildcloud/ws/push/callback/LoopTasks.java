package io.wildcloud.ws.push.callback;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * Runs work after what the current event loop is doing now, on the same thread. A callback's answer
 * completes its stage inside the HTTP client's read of that answer; a request started right there
 * (the session's next message, or a message waiting for the permit just released) would be written
 * while the client still finishes that read, onto a connection it may just have pooled again.
 * Queued on the loop, it starts a moment later on the same thread: no thread switch, no wake-up.
 */
final class LoopTasks {

    private final EventLoopGroup loops;

    /** @param loops the node's event loops; {@code null}: run everything at once */
    LoopTasks(EventLoopGroup loops) {
        this.loops = loops;
    }

    /** The current thread's event loop if it is one of the node's, else the next of them (loops given). */
    EventLoop loop() {
        for (EventExecutor loop : loops) {
            if (loop.inEventLoop()) {
                return (EventLoop) loop;
            }
        }
        return loops.next();
    }

    /** Queues {@code task} on the current event loop if it is one of the node's; else runs it now. */
    void afterThis(Runnable task) {
        if (loops != null) {
            for (EventExecutor loop : loops) {
                if (loop.inEventLoop()) {
                    if (!loop.isShuttingDown()) {
                        loop.execute(task);
                        return;
                    }
                    break;
                }
            }
        }
        task.run();
    }
}

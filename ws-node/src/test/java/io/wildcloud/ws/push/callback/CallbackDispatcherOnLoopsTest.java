package io.wildcloud.ws.push.callback;

import io.netty.channel.EventLoopGroup;
import io.wildcloud.ws.node.http.NetworkTransport;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * Every dispatcher test again, sending on event loops as a node's dispatcher does: the HTTP client
 * on the given group, its timeouts on {@link EventLoopTimer}, requests queued with
 * {@link LoopTasks}.
 */
class CallbackDispatcherOnLoopsTest extends CallbackDispatcherTest {

    private final EventLoopGroup loops = NetworkTransport.best().newGroup(2);

    @Override
    EventLoopGroup loops() {
        return loops;
    }

    /** The loops outlive the dispatcher, as a node's do. */
    @Override
    @AfterEach
    void stop() {
        super.stop();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore.Creation;
import io.wildcloud.ws.testing.RedisTestServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A store given the node's event loops runs its Redis connections on them, and a wake-up reaches
 * the receiver on the loop thread that read it: no Redisson thread pool in between.
 */
class RedisSharedEventLoopsTest {

    @Test
    void aWakeUpReachesTheReceiverOnALentEventLoop() throws Exception {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        RedisEngineConfig config = RedisSessionStoreTest.testConfig(RedisTestServer.shared().url(),
                RedisTestServer.newKeyPrefix("loops"));
        try (RedisEngine receiving = TestEngines.connect(config, "r", RedisMetrics.NONE,
                        new SharedEventLoops(loops, false)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                RedisEngine sending = TestEngines.connect(config, "s").toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)) {
            SessionKey key = new SessionKey("echo", "on-loops");
            CompletableFuture<Thread> deliveredOn = new CompletableFuture<>();
            receiving.claim(key, ClaimMode.STREAM, Creation.CREATE_IF_MISSING, new Receiver() {
                @Override
                public ReceiverId id() {
                    return new ReceiverId("r", 1);
                }

                @Override
                public void onMessages(List<QueuedMessage> messages) {
                    deliveredOn.complete(Thread.currentThread());
                }

                @Override
                public void onClosed(SockJsFrame closeFrame) {
                }

                @Override
                public void onEvicted() {
                }
            }).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertEquals(EnqueueResult.QUEUED, sending.enqueue(key, List.of("hello")).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS));
            Thread thread = deliveredOn.get(10, TimeUnit.SECONDS);
            assertTrue(StreamSupport.stream(loops.spliterator(), false).anyMatch(loop -> loop.inEventLoop(thread)),
                    "delivered on " + thread.getName() + ", not on a lent event loop");
        } finally {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import io.wildcloud.ws.sockjs.session.Claim;
import io.wildcloud.ws.sockjs.session.ClaimMode;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import io.wildcloud.ws.sockjs.session.Receiver;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.sockjs.testmode.ProtocolTestEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A receiver evicted by the store (it judged this node dead and let another connection take the
 * slot, or lost the session) ends at once and leaves the session alone: no close, no release, no
 * delete. A stream writes nothing more; a websocket, whose session ends with it, says why in a
 * close frame. The memory store never evicts, so a thin wrapper remembers receivers to evict them.
 */
class EvictionTest {

    private final MemorySessionStore memory = new MemorySessionStore();
    private final RememberingStore store = new RememberingStore(memory);
    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
            new SockJsHandler(new ProtocolTestEndpoints(), store, "test-node"));

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        memory.close();
    }

    @Test
    void evictedStreamClosesWithoutAWordAndLeavesTheSessionOpen() {
        exchange(ch, post("/echo/000/s1/xhr_streaming", ""));
        assertNotNull(store.last);
        store.last.onEvicted();
        assertEquals("", read(ch), "no close frame, no terminating chunk");
        assertFalse(ch.isOpen());
        assertEquals(SessionStatus.OPEN, status("s1"));
    }

    @Test
    void evictedWebsocketSaysSoClosesAndDoesNotDeleteTheSession() {
        exchange(ch, get("/echo/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        store.last.onEvicted();
        ch.runPendingTasks();
        String close = "c[4503,\"Service unavailable\"]";
        // The SockJS close frame, then a websocket close 1000 (0x03e8): the client learns why.
        assertEquals("\u0081" + (char) close.length() + close + "\u0088\u0002\u0003\u00e8", readLatin1(ch));
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(SessionStatus.OPEN, status("s1"));
    }

    private static String readLatin1(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
            out.append(buf.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    private SessionStatus status(String id) {
        return memory.status(new SessionKey("echo", id)).toCompletableFuture().join();
    }

    /** The memory store, remembering the last receiver that claimed. */
    private static final class RememberingStore implements SessionStore {
        private final SessionStore delegate;
        volatile Receiver last;

        RememberingStore(SessionStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver) {
            last = receiver;
            return delegate.claim(key, mode, creation, receiver);
        }

        @Override
        public CompletionStage<Void> acknowledge(SessionKey key, ReceiverId receiver, long deliveredSeq) {
            return delegate.acknowledge(key, receiver, deliveredSeq);
        }

        @Override
        public CompletionStage<Void> release(SessionKey key, ReceiverId receiver, long seq, Duration delay) {
            return delegate.release(key, receiver, seq, delay);
        }

        @Override
        public CompletionStage<EnqueueResult> enqueue(SessionKey key, List<String> messages) {
            return delegate.enqueue(key, messages);
        }

        @Override
        public CompletionStage<Boolean> close(SessionKey key, SockJsFrame closeFrame) {
            return delegate.close(key, closeFrame);
        }

        @Override
        public CompletionStage<Void> delete(SessionKey key) {
            return delegate.delete(key);
        }

        @Override
        public CompletionStage<SessionStatus> status(SessionKey key) {
            return delegate.status(key);
        }

        @Override
        public int maxQueueLength() {
            return delegate.maxQueueLength();
        }

        @Override
        public int maxQueueBytes() {
            return delegate.maxQueueBytes();
        }

        @Override
        public void setExpiryListener(SessionExpiryListener listener) {
            delegate.setExpiryListener(listener);
        }
    }
}

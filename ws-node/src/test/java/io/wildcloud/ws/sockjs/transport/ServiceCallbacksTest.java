package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import io.wildcloud.ws.sockjs.router.SockJsHandler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the service hears: open once, messages in order, close once, however the session ends. */
class ServiceCallbacksTest {

    private final Recorder service = new Recorder();
    private final MemorySessionStore store = new MemorySessionStore();
    private final SockJsEndpoint endpoint = new SockJsEndpoint("rec",
            SockJsOptions.defaults().withDisconnectDelay(Duration.ofMillis(100)), service);
    private final SockJsHandler handler = new SockJsHandler(
            prefix -> CompletableFuture.completedFuture(prefix.equals("rec") ? Optional.of(endpoint) : Optional.empty()),
            store, "test-node");
    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
            handler);

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        store.close();
    }

    @Test
    void openMessagesThenExpiryAfterTheDisconnectDelay() throws InterruptedException {
        exchange(ch, post("/rec/000/s1/xhr", ""));
        assertEquals("open rec/s1", service.next());
        exchange(ch, post("/rec/000/s1/xhr_send", "[\"a\",\"b\"]"));
        assertEquals("messages rec/s1 [a, b]", service.next());
        // No poll comes back: the store expires the session and the listener tells the service.
        assertEquals("close rec/s1", service.next());
        assertEquals(null, service.events.poll(300, TimeUnit.MILLISECONDS), "close is told once");
    }

    @Test
    void abortedPollClosesOnce() throws InterruptedException {
        exchange(ch, post("/rec/000/s1/xhr", ""));
        exchange(ch, post("/rec/000/s1/xhr", ""));
        ch.close();
        ch.runPendingTasks();
        assertEquals("open rec/s1", service.next());
        assertEquals("close rec/s1", service.next());
        assertEquals(null, service.events.poll(300, TimeUnit.MILLISECONDS), "no expiry notice for a closed session");
    }

    @Test
    void websocketEndClosesTheSession() throws InterruptedException {
        exchange(ch, get("/rec/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        assertEquals("open rec/s1", service.next());
        ch.close();
        ch.runPendingTasks();
        assertEquals("close rec/s1", service.next());
        assertEquals(0, store.size());
    }

    @Test
    void closeByTheServiceIsToldOnceEvenWhenTheWebsocketEndsAfter() throws InterruptedException {
        exchange(ch, get("/rec/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        assertEquals("open rec/s1", service.next());
        service.last.close(4000, "done").toCompletableFuture().join();
        io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch);
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals("close rec/s1", service.next());
        assertEquals(null, service.events.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(0, store.size());
    }

    @Test
    void websocketBatchesReachTheServiceOneAfterTheOtherWhateverTheServiceTakes() throws InterruptedException {
        exchange(ch, get("/rec/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        assertEquals("open rec/s1", service.next());
        io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch);
        CompletableFuture<Void> first = new CompletableFuture<>();
        service.pending.add(first);
        // Two frames in one read: the second must wait until the service is done with the first,
        // as the push service's stages wait on the store and may complete in any order.
        io.netty.buffer.ByteBuf both = clientText("[\"1\"]");
        both.writeBytes(clientText("[\"2\"]"));
        ch.writeInbound(both);
        ch.runPendingTasks();
        assertEquals("messages rec/s1 [1]", service.next());
        assertEquals(null, service.events.poll(200, TimeUnit.MILLISECONDS), "the second batch waits");
        first.complete(null);
        ch.runPendingTasks();
        assertEquals("messages rec/s1 [2]", service.next());
        ch.close();
        ch.runPendingTasks();
        assertEquals("close rec/s1", service.next());
    }

    @Test
    void whileABatchWaitsNothingAsksForAReadNotEvenAnAnsweredPing() throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        ch.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void read(io.netty.channel.ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        });
        exchange(ch, get("/rec/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        assertEquals("open rec/s1", service.next());
        io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch);
        CompletableFuture<Void> first = new CompletableFuture<>();
        service.pending.add(first);
        ch.writeInbound(clientText("[\"1\"]"));
        ch.runPendingTasks();
        assertEquals("messages rec/s1 [1]", service.next());
        int readsWhileWaiting = reads.get();
        // Netty's protocol handler answers a ping and, having passed nothing on, asks for a read:
        // reading on would let messages pile up behind the one that waits (for a stalled store).
        ch.writeInbound(clientFrame(0x89, new byte[] {'p'}));
        ch.runPendingTasks();
        assertEquals(readsWhileWaiting, reads.get(), "a read was asked for while a batch waited");
        assertFalse(ch.config().isAutoRead());
        first.complete(null);
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead());
        assertTrue(reads.get() > readsWhileWaiting, "reading did not resume once the batch was taken");
        io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch); // the pong
        ch.close();
        ch.runPendingTasks();
        assertEquals("close rec/s1", service.next());
    }

    @Test
    void aBatchTheServiceFailsOnClosesTheWebsocketWith1011AndTheBatchesBehindItAreNotHandedOn()
            throws InterruptedException {
        exchange(ch, get("/rec/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        assertEquals("open rec/s1", service.next());
        io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch);
        CompletableFuture<Void> first = new CompletableFuture<>();
        service.pending.add(first);
        io.netty.buffer.ByteBuf both = clientText("[\"1\"]");
        both.writeBytes(clientText("[\"2\"]"));
        ch.writeInbound(both);
        ch.runPendingTasks();
        assertEquals("messages rec/s1 [1]", service.next());
        // The store gave no answer for as long as the session outlives a stall.
        first.completeExceptionally(new io.wildcloud.ws.sockjs.session.StoreUnavailableException("stalled", null));
        String written = io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch);
        assertTrue(written.contains("c[1011,\"Store unavailable\"]"), "no close frame: " + written);
        assertEquals(null, service.events.poll(200, TimeUnit.MILLISECONDS),
                "a batch behind the one not taken was handed on (it would overtake it)");
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals("close rec/s1", service.next());
    }

    @Test
    void aBatchFailedByTheNodeItselfClosesWith1011NamingNoStore() throws InterruptedException {
        exchange(ch, get("/rec/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        assertEquals("open rec/s1", service.next());
        io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch);
        CompletableFuture<Void> first = new CompletableFuture<>();
        service.pending.add(first);
        ch.writeInbound(clientText("[\"1\"]"));
        ch.runPendingTasks();
        assertEquals("messages rec/s1 [1]", service.next());
        first.completeExceptionally(new java.util.concurrent.CompletionException(new IllegalStateException("a bug")));
        String written = io.wildcloud.ws.sockjs.testmode.SockJsChannels.read(ch);
        assertTrue(written.contains("c[1011,\"Internal error\"]"), "no close frame: " + written);
    }

    /** A masked client frame of {@code opcode} (with FIN), under 126 bytes. */
    private static io.netty.buffer.ByteBuf clientFrame(int opcode, byte[] payload) {
        byte[] mask = {1, 2, 3, 4};
        io.netty.buffer.ByteBuf frame = io.netty.buffer.Unpooled.buffer();
        frame.writeByte(opcode).writeByte(0x80 | payload.length).writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.writeByte(payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** A masked client text frame, under 126 bytes. */
    private static io.netty.buffer.ByteBuf clientText(String text) {
        byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        io.netty.buffer.ByteBuf frame = io.netty.buffer.Unpooled.buffer();
        frame.writeByte(0x81).writeByte(0x80 | payload.length).writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.writeByte(payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static final class Recorder implements SockJsService {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        /** Stages onMessages answers with, in turn; completed ones once these run out. */
        final java.util.Queue<CompletableFuture<Void>> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile SockJsSession last;

        @Override
        public CompletionStage<Admission> onOpen(SockJsSession session) {
            last = session;
            events.add("open " + plain(session.key()));
            return CompletableFuture.completedFuture(Admission.admitted());
        }

        @Override
        public CompletionStage<Void> onMessages(SockJsSession session, List<String> messages) {
            events.add("messages " + plain(session.key()) + " " + messages);
            CompletableFuture<Void> stage = pending.poll();
            return stage != null ? stage : CompletableFuture.completedFuture(null);
        }

        @Override
        public void onClose(SockJsSession session) {
            events.add("close " + plain(session.key()));
        }

        /** The key in full: its toString shows the scope only as a log tag. */
        private static String plain(io.wildcloud.ws.sockjs.session.SessionKey key) {
            return key.scope() + "/" + key.sessionId();
        }

        String next() throws InterruptedException {
            String event = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(event, "the service heard nothing within 5 s");
            return event;
        }
    }
}

package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
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
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import io.wildcloud.ws.sockjs.testmode.HttpText;
import io.wildcloud.ws.sockjs.testmode.ProtocolTestEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A store that cannot be reached: every request that needs it gets a 503, and the node keeps serving. */
class StoreUnavailableTest {

    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
            new SockJsHandler(new ProtocolTestEndpoints(), new UnreachableStore(), "test-node"));

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
    }

    @Test
    void everyTransportAnswers503() {
        for (String request : new String[] {post("/echo/000/s1/xhr", ""), post("/echo/000/s1/xhr_send", "[\"x\"]"),
                post("/echo/000/s1/xhr_streaming", ""), get("/echo/000/s1/eventsource"),
                get("/echo/000/s1/jsonp?c=cb")}) {
            HttpText response = HttpText.parse(exchange(ch, request));
            assertEquals(503, response.status(), request);
            assertEquals("Session store unavailable, retry.", response.body());
        }
        assertEquals(200, HttpText.parse(exchange(ch, get("/echo/info"))).status(), "pages without store still work");
    }

    /** Fails every call the way a store that lost its server does. */
    private static final class UnreachableStore implements SessionStore {
        private static <T> CompletionStage<T> down() {
            return CompletableFuture.failedFuture(new StoreUnavailableException("store down", null));
        }

        @Override
        public CompletionStage<Claim> claim(SessionKey key, ClaimMode mode, Creation creation, Receiver receiver) {
            return down();
        }

        @Override
        public CompletionStage<Void> acknowledge(SessionKey key, ReceiverId receiver, long deliveredSeq) {
            return down();
        }

        @Override
        public CompletionStage<Void> release(SessionKey key, ReceiverId receiver, long seq, Duration delay) {
            return down();
        }

        @Override
        public CompletionStage<EnqueueResult> enqueue(SessionKey key, List<String> messages) {
            return down();
        }

        @Override
        public CompletionStage<Boolean> close(SessionKey key, SockJsFrame closeFrame) {
            return down();
        }

        @Override
        public CompletionStage<Void> delete(SessionKey key) {
            return down();
        }

        @Override
        public CompletionStage<SessionStatus> status(SessionKey key) {
            return down();
        }

        @Override
        public int maxQueueLength() {
            return 1024;
        }

        @Override
        public int maxQueueBytes() {
            return SessionStore.DEFAULT_MAX_QUEUE_BYTES;
        }

        @Override
        public void setExpiryListener(SessionExpiryListener listener) {
        }
    }
}

package io.wildcloud.ws.push.api;

import static io.wildcloud.ws.push.api.ApiTestBed.SECRET;
import static io.wildcloud.ws.push.api.ApiTestBed.error;
import static io.wildcloud.ws.push.api.ApiTestBed.exchange;
import static io.wildcloud.ws.push.api.ApiTestBed.post;
import static io.wildcloud.ws.push.api.ApiTestBed.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.push.Authorization;
import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.RequestIdCount;
import io.wildcloud.ws.push.Revocation;
import io.wildcloud.ws.push.SessionRegistration;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.SocketRecord;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.SocketUse;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.StoreFullException;
import io.wildcloud.ws.sockjs.session.StoreOutcomeUnknownException;
import io.wildcloud.ws.sockjs.session.StoreUnavailableException;
import java.net.ConnectException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A store that cannot be reached gets the API's 503. The memory engine is never unreachable, so
 * this store fails every call the way a remote engine reports an outage.
 */
class ApiStoreUnavailableTest {

    @Test
    void everyStoreOperationAnswers503AndTheConnectionGoesOn() {
        try (ApiTestBed bed = new ApiTestBed(new UnreachableSocketStore())) {
            EmbeddedChannel channel = bed.channel();
            String unavailable = error("503 Service Unavailable", "store_unavailable",
                    "The service cannot reach its store right now; retry shortly.");
            assertEquals(unavailable, exchange(channel, post("/authorize/" + SECRET + "/c", "{\"callback\":\"http://a/b\"}")));
            assertEquals(unavailable, exchange(channel, request("DELETE", "/authorize/" + SECRET + "/c")));
            assertEquals(unavailable, exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":\"m\"}")));
            assertEquals(unavailable, exchange(channel, post("/publish/" + SocketIds.next() + "/s", "{\"message\":\"m\"}")));
            assertTrue(channel.isOpen());
            assertFalse(channel.finish());
        }
    }

    @Test
    void aFullStoreAnswers507StoreFull() {
        StoreUnavailableException full = new StoreFullException("publish refused: OOM", null);
        try (ApiTestBed bed = new ApiTestBed(new UnreachableSocketStore(full))) {
            EmbeddedChannel channel = bed.channel();
            assertEquals(error("507 Insufficient Storage", "store_full", "The service's store is out of memory and"
                            + " refused the write; nothing was queued. Retry later; the operators must free or add memory."),
                    exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":\"m\"}")));
            assertTrue(channel.isOpen());
            assertFalse(channel.finish());
        }
    }

    @Test
    void aPublishWithoutAnAnswerIs503StoreTimeoutSayingWhetherARetryIsSafe() {
        StoreUnavailableException unknown = new StoreOutcomeUnknownException("publish got no answer", null);
        try (ApiTestBed bed = new ApiTestBed(new UnreachableSocketStore(unknown))) {
            EmbeddedChannel channel = bed.channel();
            String publish = post("/publish/" + SocketIds.next(), "{\"message\":\"m\"}");
            assertEquals(error("503 Service Unavailable", "store_timeout", "The service's store did not answer in time;"
                            + " the message may have been delivered. Retrying with the same X-Request-Id (or"
                            + " Idempotency-Key) within 5 minutes is safe: it is delivered at most once."),
                    exchange(channel, publish.replace("Host: api\r\n", "Host: api\r\nX-Request-Id: r-1\r\n")));
            assertEquals(error("503 Service Unavailable", "store_timeout", "The service's store did not answer in time;"
                            + " the message may have been delivered. A retry may deliver it twice; send an"
                            + " Idempotency-Key or X-Request-Id header to make retries safe."),
                    exchange(channel, publish));
            assertEquals(error("400 Bad Request", "invalid_request_id",
                            "The Idempotency-Key header must be 1 to 200 visible ASCII characters (no spaces)."),
                    exchange(channel, publish.replace("Host: api\r\n", "Host: api\r\nIdempotency-Key: a b\r\n")));
            assertTrue(channel.isOpen());
            assertFalse(channel.finish());
        }
    }

    @Test
    void anUnansweredBatchKeepsItsChargeToThePublishBudgetForItMayHaveQueued() {
        StoreUnavailableException unknown = new StoreOutcomeUnknownException("publish got no answer", null);
        // 100 bytes at once, refilled at 1 a second: the first batch reserves 60 of them.
        try (ApiTestBed bed = new ApiTestBed(new UnreachableSocketStore(unknown),
                PushLimits.defaults().withPublishBytes(1, 100))) {
            EmbeddedChannel channel = bed.channel();
            String batch = post("/publish", "{\"targets\":[{\"socket_id\":\"" + SocketIds.next()
                    + "\",\"session_id\":\"s1\"},{\"socket_id\":\"" + SocketIds.next() + "\",\"session_id\":\"s2\"}],"
                    + "\"message\":\"" + "m".repeat(30) + "\"}");
            assertTrue(exchange(channel, batch).startsWith("HTTP/1.1 503 Service Unavailable"));
            assertTrue(exchange(channel, batch).startsWith("HTTP/1.1 503 Service Unavailable"), "40 were left");
            String third = exchange(channel, batch);
            assertTrue(third.startsWith("HTTP/1.1 429 Too Many Requests") && third.contains("too_many_publish_bytes"),
                    "the unanswered batches were refunded: " + third);
            assertTrue(channel.isOpen());
            assertFalse(channel.finish());
        }
    }

    private static final class UnreachableSocketStore implements SocketStore {

        private final StoreUnavailableException failure;

        UnreachableSocketStore() {
            this(new StoreUnavailableException("store unreachable", new ConnectException("Connection refused")));
        }

        UnreachableSocketStore(StoreUnavailableException failure) {
            this.failure = failure;
        }

        private <T> CompletionStage<T> down() {
            return CompletableFuture.failedFuture(failure);
        }

        @Override
        public CompletionStage<Authorization> authorize(String application, String clientId, URI callback) {
            return down();
        }

        @Override
        public CompletionStage<Optional<SocketRecord>> find(String socketId) {
            return down();
        }

        @Override
        public CompletionStage<Optional<SocketRecord>> touch(String socketId) {
            return down();
        }

        @Override
        public CompletionStage<SocketUse> use(SessionKey session) {
            return down();
        }

        @Override
        public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
                String requestId) {
            return down();
        }

        @Override
        public CompletionStage<Optional<Publication>> publish(String socketId, String sessionId, String message,
                String requestId, boolean newRequestId) {
            return down();
        }

        @Override
        public CompletionStage<RequestIdCount> countRequestIds(String application, int count, long max) {
            return down();
        }

        @Override
        public void uncountRequestIds(String application, long window, int count) {
        }

        @Override
        public CompletionStage<Optional<Revocation>> revoke(String application, String clientId) {
            return down();
        }

        @Override
        public CompletionStage<SessionRegistration> addSession(String socketId, String sessionId, int maxSessions) {
            return down();
        }

        @Override
        public CompletionStage<Boolean> removeSession(String socketId, String sessionId) {
            return down();
        }
    }
}

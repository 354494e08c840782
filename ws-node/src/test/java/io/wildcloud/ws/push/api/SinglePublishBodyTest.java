package io.wildcloud.ws.push.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpMethod;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import io.wildcloud.ws.engine.memory.MemorySocketStore;
import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.sockjs.session.Causes;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The body of a single publish ({@code POST /publish/<socket>}) read as the batch's is, through
 * the API's routes: what it drops is checked without a tree, the message's tree stops at the
 * message bound, and the answers are those of a tree read. An authorize body's too.
 */
class SinglePublishBodyTest {

    /** The node's defaults: a 64 KiB message, a body bound of 6 x 64 KiB + 1 KiB. */
    private static final int MAX_MESSAGE_BYTES = 65_536;
    private static final String PATH = "/publish/" + SocketIds.next();

    private final MemorySessionStore sessions = new MemorySessionStore(2);
    private final ApiRoutes routes = new ApiRoutes(ApplicationRegistry.parse("demo:demo-secret-0123456789"),
            new PushOperations(new MemorySocketStore(sessions, Duration.ofHours(1)), sessions), MAX_MESSAGE_BYTES,
            1000, ApiAccess.defaults());

    @Test
    void aLargeValueIsReadWithoutItsTree() {
        String zeros = "[" + "0,".repeat(195_000) + "0]";
        String unused = "{\"extra\":" + zeros + ",\"message\":\"m\"}";
        String message = "{\"message\":" + zeros + "}";
        for (int i = 0; i < 5; i++) { // warm
            publish(unused);
            publish(message);
        }
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, publish(unused), "the body is read, the socket looked up");
        assertEquals(ErrorCodes.MESSAGE_TOO_LARGE, publish(message));
        long skipping = allocatedBy(() -> publish(unused));
        long bounded = allocatedBy(() -> publish(message));
        System.out.printf("single publish of a 390 KB array of zeros: %,d bytes allocated to drop it, %,d to refuse"
                + " it as the message%n", skipping, bounded);
        // A tree of its 195,000 zeros took ~40 bytes of heap per byte of body (16 MB).
        assertTrue(skipping < 1_000_000, "skipped an unused value with " + skipping + " bytes");
        assertTrue(bounded < 5_000_000, "refused a too large message with " + bounded + " bytes");
    }

    @Test
    void anAuthorizeBodysUnusedValueIsReadWithoutItsTree() {
        String zeros = "[" + "0,".repeat(195_000) + "0]";
        String body = "{\"extra\":" + zeros + ",\"callback\":\"http://example.com/cb\"}";
        for (int i = 0; i < 5; i++) { // warm
            authorize(body);
        }
        assertEquals("ok", authorize(body));
        long skipping = allocatedBy(() -> authorize(body));
        System.out.printf("authorize with a 390 KB array of zeros beside its callback: %,d bytes allocated%n", skipping);
        assertTrue(skipping < 1_000_000, "skipped an unused value with " + skipping + " bytes");
        assertEquals(ErrorCodes.MISSING_FIELD, authorize("{\"extra\":" + zeros + "}"));
        assertEquals(ErrorCodes.INVALID_FIELD, authorize("{\"callback\":\"http://example.com/cb\",\"callback\":5}"));
        assertEquals("ok", authorize("{\"callback\":5,\"callback\":\"http://example.com/cb\"}"));
        assertEquals(ErrorCodes.MALFORMED_JSON, authorize("{\"callback\":\"http://example.com/cb\",\"x\":\"\\q\"}"));
        assertEquals(ErrorCodes.MALFORMED_JSON, authorize("[{\"callback\":\"http://example.com/cb\"}]"));
    }

    @Test
    void whatTheReaderDropsMustBeStrictJsonToo() {
        for (String body : List.of("{\"extra\":\"\\x\",\"message\":\"m\"}", "{\"extra\":[\"\u0001\"],\"message\":\"m\"}",
                "{\"message\":\"m\",\"extra\":[1,]}", "{\"message\":\"m\"} x", "{\"message\":\"m\"}{}",
                "{\"message\":'m'}", "[{\"message\":\"m\"}]", "\"m\"", "", "{",
                "{\"extra\":" + "[".repeat(255) + "]".repeat(255) + ",\"message\":\"m\"}")) {
            assertEquals(ErrorCodes.MALFORMED_JSON, publish(body), body);
        }
    }

    @Test
    void theLastOfARepeatedMessageWinsAsInATree() {
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, publish("{\"message\":null,\"message\":\"m\"}"));
        assertEquals(ErrorCodes.INVALID_FIELD, publish("{\"message\":\"m\",\"message\":null}"));
        assertEquals(ErrorCodes.MISSING_FIELD, publish("{\"targets\":[],\"messages\":[],\"extra\":{}}"));
    }

    @Test
    void aNumberBeyondADoubleThatARepeatedKeyReplacedIsNotInTheMessage() {
        // As the tree read before the single pass, and a browser's JSON.parse: the last value wins.
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, publish("{\"message\":{\"n\":1e999,\"n\":1}}"));
        assertEquals(ErrorCodes.SOCKET_NOT_FOUND, publish("{\"message\":[{\"n\":[-2e308],\"n\":{}}]}"));
        assertEquals(ErrorCodes.INVALID_FIELD, publish("{\"message\":{\"n\":1,\"n\":1e999}}"));
        assertEquals(ErrorCodes.INVALID_FIELD, publish("{\"message\":{\"n\":1e999,\"m\":1e999,\"n\":1}}"));
    }

    /** The error code the route answers {@code body} with. */
    private String publish(String body) {
        try {
            routes.route(HttpMethod.POST, PATH, null, body, null).toCompletableFuture().join();
            return "ok";
        } catch (CompletionException e) {
            return ((ApiException) Causes.unwrap(e)).body().error();
        }
    }

    private String authorize(String body) {
        try {
            routes.route(HttpMethod.POST, "/authorize/demo-secret-0123456789/client", null, body, null)
                    .toCompletableFuture().join();
            return "ok";
        } catch (CompletionException e) {
            return ((ApiException) Causes.unwrap(e)).body().error();
        }
    }

    private static long allocatedBy(Runnable read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        read.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}

package io.wildcloud.ws.push.api;

import static io.wildcloud.ws.push.api.ApiTestBed.OTHER_SECRET;
import static io.wildcloud.ws.push.api.ApiTestBed.SECRET;
import static io.wildcloud.ws.push.api.ApiTestBed.error;
import static io.wildcloud.ws.push.api.ApiTestBed.exchange;
import static io.wildcloud.ws.push.api.ApiTestBed.messages;
import static io.wildcloud.ws.push.api.ApiTestBed.post;
import static io.wildcloud.ws.push.api.ApiTestBed.request;
import static io.wildcloud.ws.push.api.ApiTestBed.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /publish}, a batch, on the API's pipeline over the memory engine: every per-target
 * outcome in one 200, every error of the request as a whole, the target bound, bearer checks,
 * request-id replays and the order relative to single publishes. Sessions' queues hold 2
 * messages, a message at most {@value ApiTestBed#MAX_MESSAGE_BYTES} bytes, a batch
 * {@value ApiTestBed#MAX_TARGETS} targets.
 */
class ApiBatchPublishTest {

    private ApiTestBed bed;
    private EmbeddedChannel channel;
    private String a;
    private String b;

    @BeforeEach
    void setUp() throws Exception {
        bed = new ApiTestBed();
        channel = bed.channel();
        a = bed.authorize("client-a");
        b = bed.authorize("client-b");
        bed.openSession(a, "s1");
        bed.openSession(a, "s2");
        bed.openSession(b, "b1");
        for (String fill : List.of("f1", "f2")) {
            exchange(channel, post("/publish/" + b, "{\"message\":\"" + fill + "\"}"));
        }
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finish());
        bed.close();
    }

    private static String target(String socket) {
        return "{\"socket_id\":\"" + socket + "\"}";
    }

    private static String target(String socket, String session) {
        return "{\"socket_id\":\"" + socket + "\",\"session_id\":\"" + session + "\"}";
    }

    private static String toAll(String message, String... targets) {
        return "{\"targets\":[" + String.join(",", targets) + "],\"message\":" + message + "}";
    }

    @Test
    void oneMessageForManyTargetsAnswersEachTargetInOrder() throws Exception {
        String unknown = SocketIds.next();
        String body = toAll("\"hi\"", target(a), target(b), target(unknown), target("not-a-socket"),
                target(a, "s1"), target(a, "zz"));
        assertEquals(response("200 OK", "{\"sessions\":3,\"queue_full\":1,\"failed\":3,\"results\":["
                + "{\"socket_id\":\"" + a + "\",\"sessions\":2,\"queue_full\":0},"
                + "{\"socket_id\":\"" + b + "\",\"sessions\":0,\"queue_full\":1},"
                + "{\"socket_id\":\"" + unknown + "\",\"error\":\"socket_not_found\"},"
                + "{\"socket_id\":\"not-a-socket\",\"error\":\"socket_not_found\"},"
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"s1\",\"sessions\":1,\"queue_full\":0},"
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"zz\",\"error\":\"session_not_found\"}]}"),
                exchange(channel, post("/publish", body)));
        assertEquals(List.of("hi", "hi"), messages(bed.poll(a, "s1")));
        assertEquals(List.of("hi"), messages(bed.poll(a, "s2")));
        assertEquals(List.of("f1", "f2"), messages(bed.poll(b, "b1")), "a full queue keeps what it had");
    }

    @Test
    void aMessagePerTargetReportsEachEntrysFaultInItsPlace() throws Exception {
        String tooLarge = "x".repeat(ApiTestBed.MAX_MESSAGE_BYTES + 1);
        String body = "{\"messages\":["
                + "{\"socket_id\":\"" + b + "\",\"session_id\":\"b1\",\"message\":\"full\"},"
                + "{\"socket_id\":\"" + a + "\",\"message\":null},"
                + "{\"socket_id\":\"" + a + "\"},"
                + "5,"
                + "{\"socket_id\":\"" + a + "\",\"message\":\"" + tooLarge + "\"},"
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"s2\",\"message\":{\"n\":1}}]}";
        assertEquals(response("200 OK", "{\"sessions\":1,\"queue_full\":1,\"failed\":5,\"results\":["
                + "{\"socket_id\":\"" + b + "\",\"session_id\":\"b1\",\"error\":\"queue_full\"},"
                + "{\"socket_id\":\"" + a + "\",\"error\":\"invalid_field\",\"message\":"
                + "\"The entry's \\\"message\\\" must be a string or a JSON value other than null.\"},"
                + "{\"socket_id\":\"" + a + "\",\"error\":\"missing_field\",\"message\":\"The entry needs \\\"message\\\".\"},"
                + "{\"error\":\"invalid_field\",\"message\":\"Each target must be an object with \\\"socket_id\\\".\"},"
                + "{\"socket_id\":\"" + a + "\",\"error\":\"message_too_large\",\"message\":"
                + "\"The message is larger than 64 bytes (UTF-8); split it.\"},"
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"s2\",\"sessions\":1,\"queue_full\":0}]}"),
                exchange(channel, post("/publish", body)));
        assertEquals(List.of(), messages(bed.poll(a, "s1")));
        assertEquals(List.of("{\"n\":1}"), messages(bed.poll(a, "s2")));
    }

    @Test
    void aRequestWrongAsAWholeGets4xxAndPublishesNothing() throws Exception {
        String either = "The body needs either \\\"targets\\\" (with one \\\"message\\\" for all) or \\\"messages\\\""
                + " (a message per target), not both.";
        assertEquals(error("400 Bad Request", "missing_field", either), exchange(channel, post("/publish", "{}")));
        assertEquals(error("400 Bad Request", "invalid_field", either),
                exchange(channel, post("/publish", "{\"targets\":[],\"messages\":[]}")));
        String nonEmpty = "The field \\\"targets\\\" must be a non-empty array.";
        assertEquals(error("400 Bad Request", "invalid_field", nonEmpty),
                exchange(channel, post("/publish", "{\"targets\":[],\"message\":\"x\"}")));
        assertEquals(error("400 Bad Request", "invalid_field", nonEmpty),
                exchange(channel, post("/publish", "{\"targets\":{},\"message\":\"x\"}")));
        assertEquals(error("400 Bad Request", "invalid_field", "With \\\"messages\\\", each entry carries its own"
                + " \\\"message\\\"; remove the top-level one."), exchange(channel, post("/publish",
                "{\"messages\":[{\"socket_id\":\"" + a + "\",\"message\":\"x\"}],\"message\":\"y\"}")));
        assertEquals(error("400 Bad Request", "missing_field", "The body needs the field \\\"message\\\"."),
                exchange(channel, post("/publish", "{\"targets\":[" + target(a) + "]}")));
        assertEquals(error("400 Bad Request", "invalid_field",
                "The field \\\"message\\\" must be a string or a JSON value other than null."),
                exchange(channel, post("/publish", toAll("null", target(a)))));
        assertEquals(error("413 Request Entity Too Large", "message_too_large",
                "The message is larger than 64 bytes (UTF-8); split it."),
                exchange(channel, post("/publish", toAll("\"" + "é".repeat(33) + "\"", target(a)))));
        assertEquals(error("400 Bad Request", "malformed_json", "The body must be one JSON object, in UTF-8."),
                exchange(channel, post("/publish", "[" + target(a) + "]")));
        String overTheBound = toAll("\"x\"", target(a), target(a), target(a), target(a), target(a), target(a),
                target(a));
        assertEquals(error("413 Request Entity Too Large", "too_many_targets", "A batch may name at most 6 targets"
                + " (the node's max-publish-targets); this one names 7. Split it."),
                exchange(channel, post("/publish", overTheBound)));
        assertEquals(error("413 Request Entity Too Large", "body_too_large",
                "The request body is larger than 512 bytes."),
                exchange(channel, post("/publish", toAll("\"" + "y".repeat(ApiTestBed.MAX_BODY_BYTES) + "\"",
                        target(a)))));
        String notAllowed = exchange(channel, request("GET", "/publish"));
        assertTrue(notAllowed.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), notAllowed);
        assertTrue(notAllowed.contains("allow: POST\r\n"), notAllowed);
        assertEquals(List.of(), messages(bed.poll(a, "s1")), "nothing was published");
    }

    @Test
    void aLoneSurrogateNestingTooDeepOrANumberBeyondADoubleIsNamed() throws Exception {
        assertEquals(error("400 Bad Request", "malformed_json", ApiHandlerTest.loneSurrogate("$.targets[0].socket_id")),
                exchange(channel, post("/publish", toAll("\"x\"", "{\"socket_id\":\"\\udfff\"}"))));
        assertEquals(error("400 Bad Request", "malformed_json", ApiHandlerTest.loneSurrogate("$.message")),
                exchange(channel, post("/publish", toAll("\"\\ud800\"", target(a)))));
        assertEquals(error("400 Bad Request", "malformed_json", ApiHandlerTest.TOO_DEEP),
                exchange(channel, post("/publish", "{\"targets\":[" + target(a) + "],\"message\":" + "[".repeat(255))));
        assertEquals(error("400 Bad Request", "invalid_field", "The field \\\"message\\\" holds the number 1E+400000,"
                        + " beyond the range of a double: a browser's JSON.parse reads it as Infinity. Send it as a"
                        + " string, or within 1.7976931348623157E308."),
                exchange(channel, post("/publish", toAll("[1E+400000]", target(a)))));
        String perEntry = "{\"messages\":[{\"socket_id\":\"" + a + "\",\"session_id\":\"s1\",\"message\":-2e308},"
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"s2\",\"message\":-1e308}]}";
        assertEquals(response("200 OK", "{\"sessions\":1,\"queue_full\":0,\"failed\":1,\"results\":["
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"s1\",\"error\":\"invalid_field\",\"message\":"
                + "\"The entry's \\\"message\\\" holds the number -2e308, beyond the range of a double: a browser's"
                + " JSON.parse reads it as Infinity. Send it as a string, or within 1.7976931348623157E308.\"},"
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"s2\",\"sessions\":1,\"queue_full\":0}]}"),
                exchange(channel, post("/publish", perEntry)));
        assertEquals(List.of(), messages(bed.poll(a, "s1")));
        assertEquals(List.of("-1e308"), messages(bed.poll(a, "s2")));
    }

    @Test
    void exactlyTheBoundIsServed() throws Exception {
        String atTheBound = toAll("\"x\"", target(a, "s1"), target(a, "s2"), target(a, "s3"), target(a, "s4"),
                target(a, "s5"), target(a, "s6"));
        assertTrue(exchange(channel, post("/publish", atTheBound))
                .contains("{\"sessions\":2,\"queue_full\":0,\"failed\":4,\"results\":["), "six targets are allowed");
    }

    @Test
    void aBearerTokenMustOwnEveryLiveTargetElseNothingIsPublished() throws Exception {
        String other = bed.sockets.authorize("other", "client-o", java.net.URI.create("http://127.0.0.1:9/cb"))
                .toCompletableFuture().get().socket().socketId();
        String mixed = toAll("\"mixed\"", target(a), target(other));
        assertEquals(error("403 Forbidden", "wrong_application", "The Authorization header names another application"
                + " than the one this socket or URL belongs to; use that application's secret."),
                exchange(channel, post("/publish", "Bearer " + SECRET, mixed)));
        assertEquals(error("403 Forbidden", "wrong_application", "The Authorization header names another application"
                + " than the one this socket or URL belongs to; use that application's secret."),
                exchange(channel, post("/publish", "Bearer " + OTHER_SECRET, mixed)));
        String unknown = SocketIds.next();
        assertEquals(response("200 OK", "{\"sessions\":2,\"queue_full\":0,\"failed\":1,\"results\":["
                + "{\"socket_id\":\"" + a + "\",\"sessions\":2,\"queue_full\":0},"
                + "{\"socket_id\":\"" + unknown + "\",\"error\":\"socket_not_found\"}]}"),
                exchange(channel, post("/publish", "Bearer " + SECRET, toAll("\"mine\"", target(a), target(unknown)))));
        assertEquals(List.of("mine"), messages(bed.poll(a, "s1")), "nothing of the refused batches was published");
    }

    @Test
    void apiRequireAuthNeedsTheHeader() throws Exception {
        try (ApiTestBed strict = new ApiTestBed(new ApiAccess(true, CallbackAddresses.publicOnly()))) {
            EmbeddedChannel strictChannel = strict.channel();
            String socket = strict.authorize("client-1");
            String answer = exchange(strictChannel, post("/publish", toAll("\"x\"", target(socket))));
            assertTrue(answer.startsWith("HTTP/1.1 401 Unauthorized\r\n"), answer);
            assertTrue(answer.contains("www-authenticate: Bearer\r\n"), answer);
            assertTrue(exchange(strictChannel, post("/publish", "Bearer " + SECRET, toAll("\"x\"", target(socket))))
                    .startsWith("HTTP/1.1 200 OK\r\n"));
            assertFalse(strictChannel.finish());
        }
    }

    @Test
    void aRetriedBatchWithARequestIdIsPublishedOnce() throws Exception {
        String batch = post("/publish", toAll("\"once\"", target(a), target(a, "s1")))
                .replace("Host: api\r\n", "Host: api\r\nIdempotency-Key: event-9\r\n");
        String first = exchange(channel, batch);
        assertEquals(response("200 OK", "{\"sessions\":3,\"queue_full\":0,\"failed\":0,\"results\":["
                + "{\"socket_id\":\"" + a + "\",\"sessions\":2,\"queue_full\":0},"
                + "{\"socket_id\":\"" + a + "\",\"session_id\":\"s1\",\"sessions\":1,\"queue_full\":0}]}"), first);
        assertEquals(first, exchange(channel, batch));
        assertEquals(first, exchange(channel, batch.replace("Idempotency-Key", "X-Request-Id")));
        assertEquals(List.of("once", "once"), messages(bed.poll(a, "s1")));
        assertEquals(List.of("once"), messages(bed.poll(a, "s2")));
    }

    @Test
    void aBatchKeepsItsPlaceAmongSinglePublishes() throws Exception {
        exchange(channel, post("/publish/" + a + "/s1", "{\"message\":\"single\"}"));
        exchange(channel, post("/publish", toAll("\"batch\"", target(a, "s1"))));
        assertEquals(List.of("single", "batch"), messages(bed.poll(a, "s1")));
    }

    @Test
    void aJsonMessageReachesTheSessionWithItsNullMembers() throws Exception {
        String withNulls = "{\"a\":null,\"b\":[null,{\"c\":null}]}";
        exchange(channel, post("/publish/" + a + "/s1", "{\"message\":" + withNulls + "}"));
        exchange(channel, post("/publish", toAll(withNulls, target(a, "s1"))));
        exchange(channel, post("/publish", "{\"messages\":[{\"socket_id\":\"" + a
                + "\",\"session_id\":\"s2\",\"message\":" + withNulls + "}]}"));
        assertEquals(List.of(withNulls, withNulls), messages(bed.poll(a, "s1")));
        assertEquals(List.of(withNulls), messages(bed.poll(a, "s2")));
    }
}

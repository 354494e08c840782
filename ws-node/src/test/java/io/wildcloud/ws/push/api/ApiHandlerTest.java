package io.wildcloud.ws.push.api;

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

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.engine.memory.MemorySocketStore;
import io.wildcloud.ws.push.SocketIds;
import io.wildcloud.ws.sockjs.session.Claim;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiHandlerTest {

    /** The answer to a path the API does not have. */
    private static final String NO_SUCH_PATH = error("404 Not Found", "not_found", "No such path. The API has"
            + " /authorize/<application_id>/<client_id>, /publish (a batch), /publish/<socket_id>,"
            + " /publish/<socket_id>/<session_id>, /health, /health/live, /health/ready and /metrics.");

    private static final String AUTHORIZE = "/authorize/" + SECRET + "/client-1";
    private static final Pattern SOCKET_ID = Pattern.compile("\\{\"socket_id\":\"([A-Za-z0-9_-]{32})\"}");

    private final ApiTestBed bed = new ApiTestBed();
    private final EmbeddedChannel channel = bed.channel();

    @AfterEach
    void finish() {
        assertFalse(channel.finish(), "nothing left in the pipeline");
        bed.close();
    }

    private String authorizedSocketId(String raw) {
        Matcher body = SOCKET_ID.matcher(raw.substring(raw.indexOf("\r\n\r\n") + 4));
        assertTrue(body.matches(), raw);
        String id = body.group(1);
        assertEquals(response("200 OK", "{\"socket_id\":\"" + id + "\"}"), raw);
        return id;
    }

    @Test
    void authorizeAnswersOneSocketPerClientAndUpdatesItsCallback() throws Exception {
        String first = authorizedSocketId(exchange(channel, post(AUTHORIZE, "{\"callback\":\"http://app.example/a\"}")));
        String again = authorizedSocketId(exchange(channel,
                post(AUTHORIZE, "{\"callback\":\"https://app.example:8443/b?x=1\"}")));
        assertEquals(first, again);
        assertEquals(URI.create("https://app.example:8443/b?x=1"),
                bed.sockets.find(first).toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow().callback());
        String other = authorizedSocketId(exchange(channel,
                post("/authorize/" + SECRET + "/client%202", "{\"callback\":\"http://app.example/a\"}")));
        assertFalse(first.equals(other));
        assertEquals("client 2", bed.sockets.find(other).toCompletableFuture().get().orElseThrow().clientId());
        assertTrue(channel.isOpen());
    }

    @Test
    void anUnknownApplicationGets403AndNothingIsCreated() {
        MemorySocketStore store = (MemorySocketStore) bed.sockets;
        assertEquals(error("403 Forbidden", "unknown_application",
                        "No application has this id; check the secret application id you were given."),
                exchange(channel, post("/authorize/not-the-secret-000000/client-1", "{\"callback\":\"http://a/b\"}")));
        assertEquals(error("403 Forbidden", "unknown_application",
                        "No application has this id; check the secret application id you were given."),
                exchange(channel, request("DELETE", "/authorize/not-the-secret-000000/client-1")));
        assertEquals(0, store.size());
    }

    @Test
    void malformedBodiesGet400() {
        String malformed = error("400 Bad Request", "malformed_json", "The body must be one JSON object, in UTF-8.");
        for (String body : List.of("", "{", "{\"callback\":\"http://a/b\"} x", "[1]", "\"http://a/b\"",
                "{callback:\"http://a/b\"}", "{'callback':'http://a/b'}", "null")) {
            assertEquals(malformed, exchange(channel, post(AUTHORIZE, body)), body);
        }
        assertEquals(malformed, exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":")));
        // Bodies that look almost like the plain form the node reads without a parser.
        assertEquals(malformed, exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":\"a\"b\"}")));
        assertEquals(malformed, exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":\"a\"}x\"}")));
    }

    /** What {@link JsonBodies} says of a lone surrogate escape, as the answer's JSON writes it. */
    static String loneSurrogate(String path) {
        return "A string in the body holds a lone UTF-16 surrogate escape (\\\\ud800 to \\\\udfff without its"
                + " other half) at " + path + "; escape both halves of a pair, as in \\\\ud83d\\\\ude00, or send"
                + " the character itself in UTF-8.";
    }

    static final String TOO_DEEP = "The body's JSON is nested deeper than 255 levels of arrays and objects;"
            + " flatten it.";

    @Test
    void aLoneSurrogateOrNestingTooDeepGets400SayingWhich() {
        assertEquals(error("400 Bad Request", "malformed_json", loneSurrogate("$.callback")),
                exchange(channel, post(AUTHORIZE, "{\"callback\":\"http://a/\\udc00\"}")));
        assertEquals(error("400 Bad Request", "malformed_json", loneSurrogate("$.message")),
                exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":\"\\ud800\"}")));
        assertEquals(error("400 Bad Request", "malformed_json", loneSurrogate("$.message.a[1]")),
                exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":{\"a\":[\"x\",\"\\ud800 \"]}}")));
        // The body itself is the first level: 255 arrays within it are one too many.
        assertEquals(error("400 Bad Request", "malformed_json", TOO_DEEP),
                exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":" + "[".repeat(255))));
        assertEquals(error("400 Bad Request", "malformed_json", TOO_DEEP),
                exchange(channel, post(AUTHORIZE, "{\"x\":" + "[".repeat(255))));
        // A pair, escaped, is one character.
        String pair = exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":\"\\ud83d\\ude00\"}"));
        assertTrue(pair.startsWith("HTTP/1.1 404 Not Found\r\n"), pair);
    }

    @Test
    void aNumberBeyondADoubleGets400ForItWouldReachTheBrowserAsInfinity() {
        assertEquals(error("400 Bad Request", "invalid_field", "The field \\\"message\\\" holds the number 1e999999,"
                        + " beyond the range of a double: a browser's JSON.parse reads it as Infinity. Send it as a"
                        + " string, or within 1.7976931348623157E308."),
                exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":{\"n\":[1e999999]}}")));
        String tiny = exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":1e-999999}"));
        assertTrue(tiny.startsWith("HTTP/1.1 404 Not Found\r\n"), "a double holds it (as 0): " + tiny);
    }

    @Test
    void aBodyThatIsNotUtf8Gets400NotReplacementCharacters() {
        String socket = SocketIds.next();
        String latin1Body = "{\"message\":\"caf\u00e9\"}"; // é as the one byte E9
        byte[] request = ("POST /publish/" + socket + " HTTP/1.1\r\nHost: api\r\nContent-Length: "
                + latin1Body.length() + "\r\n\r\n" + latin1Body).getBytes(StandardCharsets.ISO_8859_1);
        channel.writeInbound(Unpooled.wrappedBuffer(request));
        channel.runPendingTasks();
        assertEquals(error("400 Bad Request", "malformed_json", "The body must be one JSON object, in UTF-8."),
                ApiTestBed.readOutbound(channel));
        // A U+FFFD the sender meant is UTF-8 like any other character: the publish goes on to find no socket.
        String meant = exchange(channel, post("/publish/" + socket, "{\"message\":\"caf\ufffd\"}"));
        assertTrue(meant.startsWith("HTTP/1.1 404 Not Found\r\n"), meant);
    }

    @Test
    void missingOrMistypedFieldsGet400() {
        assertEquals(error("400 Bad Request", "missing_field", "The body needs the field \\\"callback\\\"."),
                exchange(channel, post(AUTHORIZE, "{\"url\":\"http://a/b\"}")));
        assertEquals(error("400 Bad Request", "invalid_field", "The field \\\"callback\\\" must be a string."),
                exchange(channel, post(AUTHORIZE, "{\"callback\":42}")));
        assertEquals(error("400 Bad Request", "missing_field", "The body needs the field \\\"message\\\"."),
                exchange(channel, post("/publish/" + SocketIds.next(), "{\"text\":\"hi\"}")));
        assertEquals(error("400 Bad Request", "invalid_field",
                        "The field \\\"message\\\" must be a string or a JSON value other than null."),
                exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":null}")));
        assertEquals(error("400 Bad Request", "invalid_id", "A path segment has a broken %-escape."),
                exchange(channel, post("/authorize/" + SECRET + "/%zz", "{\"callback\":\"http://a/b\"}")));
        String invalidId = error("400 Bad Request", "invalid_id",
                "The client id must be 1 to 256 characters, none of them control characters.");
        assertEquals(invalidId,
                exchange(channel, post("/authorize/" + SECRET + "/" + "c".repeat(257), "{\"callback\":\"http://a/b\"}")));
        assertEquals(invalidId, exchange(channel, post("/authorize/" + SECRET + "/a%0Ab", "{\"callback\":\"http://a/b\"}")));
    }

    @Test
    void aCallbackThatIsNotAnHttpUrlGets400() {
        String invalid = error("400 Bad Request", "invalid_callback", "The field \\\"callback\\\" must be an absolute"
                + " http:// or https:// URL with a host and no user info, at most 2048 characters.");
        for (String callback : List.of("ftp://app.example/x", "/relative", "app.example/x", "http://", "http:///x",
                "javascript:alert(1)", "http://user:pw@app.example/x", "http://a b/", "")) {
            assertEquals(invalid, exchange(channel, post(AUTHORIZE, "{\"callback\":\"" + callback + "\"}")), callback);
        }
        // Accepted before (redteam7), and every attempt then failed "port out of range" for the retry budget.
        for (int port : List.of(0, 65_536, 99_999)) {
            assertEquals(error("400 Bad Request", "invalid_callback", "The callback's port must be 1 to 65535 (it is "
                    + port + "); leave it out for the scheme's own."),
                    exchange(channel, post(AUTHORIZE, "{\"callback\":\"https://app.example:" + port + "/x\"}")));
        }
        assertEquals(0, ((MemorySocketStore) bed.sockets).size());
    }

    @Test
    void wrongMethodsGet405WithAllow() {
        String allowAuthorize = response("405 Method Not Allowed",
                "{\"error\":\"method_not_allowed\",\"message\":\"Use POST, DELETE on this path.\"}")
                .replace("cache-control: no-store\r\n", "cache-control: no-store\r\nallow: POST, DELETE\r\n");
        assertEquals(allowAuthorize, exchange(channel, request("GET", AUTHORIZE)));
        assertEquals(allowAuthorize, exchange(channel, request("PUT", AUTHORIZE)));
        assertEquals(response("405 Method Not Allowed",
                        "{\"error\":\"method_not_allowed\",\"message\":\"Use POST on this path.\"}")
                        .replace("cache-control: no-store\r\n", "cache-control: no-store\r\nallow: POST\r\n"),
                exchange(channel, request("GET", "/publish/" + SocketIds.next() + "/s1")));
    }

    @Test
    void unknownPathsGet404() {
        // The node's health and metrics handlers answer /health* and /metrics before the API does.
        for (String path : List.of("/", "/nope", "/authorize", "/authorize/" + SECRET, AUTHORIZE + "/x",
                "/authorize//c", "/publish/", "/publish/a/b/c", "/publish//s", "/health", "/health/x")) {
            assertEquals(NO_SUCH_PATH, exchange(channel, post(path, "{}")), path);
        }
    }

    @Test
    void publishFansOutToEverySessionOfTheSocket() throws Exception {
        String socket = bed.authorize("client-1");
        bed.openSession(socket, "s1");
        bed.openSession(socket, "s2");
        assertEquals(response("200 OK", "{\"sessions\":2,\"queue_full\":0}"),
                exchange(channel, post("/publish/" + socket, "{\"message\":\"hello \\\"you\\\" \u00e9\"}")));
        assertEquals(response("200 OK", "{\"sessions\":2,\"queue_full\":0}"),
                exchange(channel, post("/publish/" + socket, "{\"message\": {\"n\": [1, true]}}")));
        assertEquals(List.of("hello \"you\" \u00e9", "{\"n\":[1,true]}"), messages(bed.poll(socket, "s1")));
        assertEquals(List.of("hello \"you\" \u00e9", "{\"n\":[1,true]}"), messages(bed.poll(socket, "s2")));
    }

    @Test
    void aPublishRepeatedWithItsRequestIdIsDeliveredOnceAndAnsweredAsTheFirst() throws Exception {
        String socket = bed.authorize("client-1");
        bed.openSession(socket, "s1");
        bed.openSession(socket, "s2");
        String publish = post("/publish/" + socket, "{\"message\":\"once\"}");
        String withId = publish.replace("Host: api\r\n", "Host: api\r\nIdempotency-Key: order-42\r\n");
        String ok = response("200 OK", "{\"sessions\":2,\"queue_full\":0}");
        assertEquals(ok, exchange(channel, withId));
        assertEquals(ok, exchange(channel, withId));
        assertEquals(ok, exchange(channel, withId.replace("Idempotency-Key", "X-Request-Id")));
        // Another message under the same id is another publish.
        assertEquals(ok, exchange(channel, withId.replace("once", "more")));
        assertEquals(List.of("once", "more"), messages(bed.poll(socket, "s1")));
        assertEquals(List.of("once", "more"), messages(bed.poll(socket, "s2")));
    }

    @Test
    void publishToOneSession() throws Exception {
        String socket = bed.authorize("client-1");
        bed.openSession(socket, "s1");
        bed.openSession(socket, "s2");
        assertEquals(response("200 OK", "{\"sessions\":1,\"queue_full\":0}"),
                exchange(channel, post("/publish/" + socket + "/s2", "{\"message\":\"only you\"}")));
        assertEquals(List.of("only you"), messages(bed.poll(socket, "s2")));
        assertEquals(error("404 Not Found", "session_not_found", "The socket has no open session with this id."),
                exchange(channel, post("/publish/" + socket + "/s9", "{\"message\":\"x\"}")));
    }

    @Test
    void publishToAnUnknownSocketGets404() {
        String notFound = error("404 Not Found", "socket_not_found", "No live socket has this id; it was never"
                + " authorized, was revoked or expired. Authorize again.");
        assertEquals(notFound, exchange(channel, post("/publish/" + SocketIds.next(), "{\"message\":\"x\"}")));
        assertEquals(notFound, exchange(channel, post("/publish/not-a-socket-id", "{\"message\":\"x\"}")));
        assertEquals(notFound, exchange(channel, post("/publish/" + SocketIds.next() + "/s1", "{\"message\":\"x\"}")));
    }

    @Test
    void aFullQueueGets429ForOneSessionAndIsCountedForTheSocket() throws Exception {
        String socket = bed.authorize("client-1");
        bed.openSession(socket, "s1");
        bed.openSession(socket, "s2");
        String one = "{\"message\":\"m\"}";
        exchange(channel, post("/publish/" + socket + "/s1", one));
        exchange(channel, post("/publish/" + socket + "/s1", one));
        assertEquals(error("429 Too Many Requests", "queue_full", "The session's queue of undelivered messages is"
                        + " full; its client is not reading. Retry later or drop the message."),
                exchange(channel, post("/publish/" + socket + "/s1", one)));
        assertEquals(response("200 OK", "{\"sessions\":1,\"queue_full\":1}"),
                exchange(channel, post("/publish/" + socket, one)));
        assertEquals(List.of("m", "m"), messages(bed.poll(socket, "s1")));
    }

    @Test
    void aMessageOverTheLimitGets413() throws Exception {
        String socket = bed.authorize("client-1");
        bed.openSession(socket, "s1");
        String limit = "x".repeat(ApiTestBed.MAX_MESSAGE_BYTES - 2) + "\u00e9";
        assertEquals(response("200 OK", "{\"sessions\":1,\"queue_full\":0}"),
                exchange(channel, post("/publish/" + socket, "{\"message\":\"" + limit + "\"}")));
        assertEquals(error("413 Request Entity Too Large", "message_too_large",
                        "The message is larger than 64 bytes (UTF-8); split it."),
                exchange(channel, post("/publish/" + socket, "{\"message\":\"" + limit + "x\"}")));
    }

    @Test
    void aBodyOverTheLimitGetsJson413AndTheConnectionGoesOn() {
        String body = "{\"message\":\"" + "x".repeat(ApiTestBed.MAX_BODY_BYTES) + "\"}";
        String tooLarge = error("413 Request Entity Too Large", "body_too_large",
                "The request body is larger than 512 bytes.");
        assertEquals(tooLarge, exchange(channel, post("/publish/" + SocketIds.next(), body)));
        assertTrue(channel.isOpen());
        assertEquals(NO_SUCH_PATH, exchange(channel, request("GET", "/nope")));
    }

    @Test
    void anExpectContinueOverTheLimitGetsJson413WithoutTheBody() {
        String head = "POST /publish/" + SocketIds.next() + " HTTP/1.1\r\nHost: api\r\nExpect: 100-continue\r\n"
                + "Content-Length: 100000\r\n\r\n";
        assertEquals(error("413 Request Entity Too Large", "body_too_large",
                "The request body is larger than 512 bytes."), exchange(channel, head));
        assertTrue(channel.isOpen());
    }

    @Test
    void aChunkedBodyOverTheLimitGetsJson413AndClose() {
        String chunk = "x".repeat(300);
        String raw = "POST /publish/" + SocketIds.next() + " HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
        assertEquals(error("413 Request Entity Too Large", "body_too_large",
                "The request body is larger than 512 bytes.").replace("cache-control: no-store\r\n",
                "cache-control: no-store\r\nconnection: close\r\n"), exchange(channel, raw));
        assertFalse(channel.isOpen());
    }

    @Test
    void revokeClosesTheSessionsWith4001AndForgetsTheSocket() throws Exception {
        String socket = bed.authorize("client-1");
        bed.openSession(socket, "s1");
        bed.openSession(socket, "s2");
        assertEquals(response("200 OK", "{\"socket_id\":\"" + socket + "\",\"sessions_closed\":2}"),
                exchange(channel, request("DELETE", AUTHORIZE)));
        Claim claim = bed.poll(socket, "s1");
        assertEquals(Claim.Outcome.CLOSED, claim.outcome());
        assertEquals(SockJsFrame.close(4001, "Socket revoked"), claim.closeFrame());
        assertEquals("c[4001,\"Socket revoked\"]", bed.poll(socket, "s2").closeFrame().text());
        assertEquals(error("404 Not Found", "socket_not_found", "No live socket has this id; it was never"
                        + " authorized, was revoked or expired. Authorize again."),
                exchange(channel, post("/publish/" + socket, "{\"message\":\"x\"}")));
        assertEquals(error("404 Not Found", "socket_not_found", "This client has no socket; authorize it first."),
                exchange(channel, request("DELETE", AUTHORIZE)));
        String fresh = authorizedSocketId(exchange(channel, post(AUTHORIZE, "{\"callback\":\"http://a/b\"}")));
        assertFalse(fresh.equals(socket));
    }

    @Test
    void http10WithoutKeepAliveIsAnsweredAndClosed() {
        String raw = "GET /nope HTTP/1.0\r\n\r\n";
        assertEquals(NO_SUCH_PATH.replace("HTTP/1.1", "HTTP/1.0")
                .replace("cache-control: no-store\r\n", "cache-control: no-store\r\nconnection: close\r\n"),
                exchange(channel, raw));
        assertFalse(channel.isOpen());
    }

    @Test
    void http10KeepAliveAndHttp11CloseAreHonoured() {
        assertEquals(NO_SUCH_PATH.replace("HTTP/1.1", "HTTP/1.0")
                        .replace("cache-control: no-store\r\n", "cache-control: no-store\r\nconnection: keep-alive\r\n"),
                exchange(channel, "GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        assertTrue(channel.isOpen());
        assertEquals(NO_SUCH_PATH
                        .replace("cache-control: no-store\r\n", "cache-control: no-store\r\nconnection: close\r\n"),
                exchange(channel, "GET /nope HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n"));
        assertFalse(channel.isOpen());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        String notFound = error("404 Not Found", "socket_not_found", "No live socket has this id; it was never"
                + " authorized, was revoked or expired. Authorize again.");
        assertEquals(NO_SUCH_PATH + notFound + NO_SUCH_PATH, exchange(channel, request("GET", "/nope")
                + post("/publish/" + SocketIds.next(), "{\"message\":\"x\"}") + request("GET", "/nope")));
    }
}

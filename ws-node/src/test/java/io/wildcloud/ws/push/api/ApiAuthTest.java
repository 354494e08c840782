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
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.sockjs.session.LogTag;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Authorization: Bearer <application secret>} on the API: optional but checked by default,
 * mandatory for publish and revoke with {@code api-require-auth}; and the authorize-time refusal
 * of callbacks to addresses that are not allowed.
 */
class ApiAuthTest {

    private static final String AUTHORIZE = "/authorize/" + SECRET + "/client-1";
    private static final String WRONG_APPLICATION = error("403 Forbidden", "wrong_application",
            "The Authorization header names another application than the one this socket or URL belongs to;"
                    + " use that application's secret.");
    private static final String UNKNOWN_SECRET = error("403 Forbidden", "unknown_application",
            "No application has the secret in the Authorization header; check the secret you were given.");

    /** A 401: the JSON error plus {@code WWW-Authenticate: Bearer}. */
    private static String unauthorized(String message) {
        String json = "{\"error\":\"unauthorized\",\"message\":\"" + message + "\"}";
        return "HTTP/1.1 401 Unauthorized\r\n"
                + "content-type: application/json; charset=UTF-8\r\n"
                + "content-length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "cache-control: no-store\r\n"
                + "www-authenticate: Bearer\r\n\r\n" + json;
    }

    private static String callbackRefused(String authority, String what) {
        return error("400 Bad Request", "callback_not_allowed", "The callback's address " + authority + " is " + what
                + ": callbacks may not reach loopback, link-local, private, unique-local, unspecified, multicast or"
                + " reserved addresses. For local trials and tests, the node's setting callback-allow-networks"
                + " (a CIDR list, e.g. 127.0.0.0/8) allows a network.");
    }

    @Test
    void withoutTheSettingNoHeaderWorksTheRightOneWorksAndAWrongOneGets403() throws Exception {
        try (ApiTestBed bed = new ApiTestBed()) {
            EmbeddedChannel channel = bed.channel();
            String socket = bed.authorize("client-1");
            bed.openSession(socket, "s1");
            String published = response("200 OK", "{\"sessions\":1,\"queue_full\":0}");
            assertEquals(published, exchange(channel, post("/publish/" + socket, "{\"message\":\"plain\"}")));
            assertEquals(published, exchange(channel, post("/publish/" + socket, "Bearer " + SECRET,
                    "{\"message\":\"bearer\"}")));
            assertEquals(WRONG_APPLICATION, exchange(channel, post("/publish/" + socket, "Bearer " + OTHER_SECRET,
                    "{\"message\":\"other app\"}")));
            assertEquals(WRONG_APPLICATION, exchange(channel, post("/publish/" + socket + "/s1",
                    "Bearer " + OTHER_SECRET, "{\"message\":\"other app\"}")));
            assertEquals(UNKNOWN_SECRET, exchange(channel, post("/publish/" + socket, "Bearer not-a-secret-at-all",
                    "{\"message\":\"nobody\"}")));
            assertEquals(unauthorized("The Authorization header must be Bearer <application secret>."),
                    exchange(channel, post("/publish/" + socket, "Basic " + SECRET, "{\"message\":\"basic\"}")));
            // Only the first two reached the session.
            assertEquals(List.of("plain", "bearer"), messages(bed.poll(socket, "s1")));

            // Authorize and revoke: the header, when given, must name the URL's application.
            assertEquals(WRONG_APPLICATION, exchange(channel, post(AUTHORIZE, "Bearer " + OTHER_SECRET,
                    "{\"callback\":\"http://app.example/a\"}")));
            assertEquals(WRONG_APPLICATION, exchange(channel, request("DELETE", AUTHORIZE, "Bearer " + OTHER_SECRET)));
            assertTrue(exchange(channel, request("DELETE", AUTHORIZE, "bearer " + SECRET))
                    .startsWith("HTTP/1.1 200 OK"));
            assertFalse(channel.finish());
        }
    }

    @Test
    void requiredAuthRefusesPublishAndRevokeWithoutTheHeaderButAuthorizeKeepsTheUrlForm() throws Exception {
        try (ApiTestBed bed = new ApiTestBed(new ApiAccess(true, CallbackAddresses.publicOnly()))) {
            EmbeddedChannel channel = bed.channel();
            String socket = bed.authorize("client-1");
            bed.openSession(socket, "s1");
            String required = unauthorized("This call needs the header Authorization: Bearer <application secret>"
                    + " (the node's setting api-require-auth is on).");
            assertEquals(required, exchange(channel, post("/publish/" + socket, "{\"message\":\"no header\"}")));
            assertEquals(required, exchange(channel, post("/publish/" + socket + "/s1", "{\"message\":\"no header\"}")));
            assertEquals(required, exchange(channel, request("DELETE", AUTHORIZE)));
            assertEquals(WRONG_APPLICATION, exchange(channel, post("/publish/" + socket, "Bearer " + OTHER_SECRET,
                    "{\"message\":\"other app\"}")));
            assertEquals(response("200 OK", "{\"sessions\":1,\"queue_full\":0}"),
                    exchange(channel, post("/publish/" + socket, "Bearer " + SECRET, "{\"message\":\"ok\"}")));
            assertEquals(List.of("ok"), messages(bed.poll(socket, "s1")));
            assertTrue(exchange(channel, post(AUTHORIZE, "{\"callback\":\"http://app.example/a\"}"))
                    .startsWith("HTTP/1.1 200 OK"), "authorize is authenticated by its URL");
            assertFalse(channel.finish());
        }
    }

    @Test
    void callbacksToAddressesThatAreNotAllowedGet400AtAuthorizeInEverySpelling() {
        try (ApiTestBed bed = new ApiTestBed()) {
            EmbeddedChannel channel = bed.channel();
            String[][] cases = {
                {"127.0.0.1:8081", "a loopback address"},
                {"[::1]", "a loopback address"},
                {"2130706433", "a loopback address"},
                {"0x7f.1", "a loopback address"},
                {"0177.0.0.1", "a loopback address"},
                {"127.1:6379", "a loopback address"},
                {"[::ffff:127.0.0.1]", "a loopback address"},
                {"[::ffff:7f00:1]", "a loopback address"},
                {"169.254.169.254", "a link-local address (cloud metadata services live there)"},
                {"[fe80::1]", "a link-local address (cloud metadata services live there)"},
                {"10.1.2.3", "a private-network address"},
                {"172.16.0.1", "a private-network address"},
                {"192.168.1.1", "a private-network address"},
                {"[fd00::1]", "a unique-local IPv6 address"},
                {"0.0.0.0", "the unspecified address"},
                {"0", "the unspecified address"},
                {"[::]", "the unspecified address"},
                {"224.0.0.1", "a multicast address"},
                {"[ff02::1]", "a multicast address"},
                {"255.255.255.255", "a reserved or broadcast address"},
            };
            for (String[] c : cases) {
                assertEquals(callbackRefused(c[0], c[1]), exchange(channel,
                        post(AUTHORIZE, "{\"callback\":\"http://" + c[0] + "/cb\"}")), c[0]);
            }
            assertTrue(exchange(channel, post(AUTHORIZE, "{\"callback\":\"https://93.184.215.14/cb\"}"))
                    .startsWith("HTTP/1.1 200 OK"), "a public address is fine");
            assertFalse(channel.finish());
        }
    }

    @Test
    void allowedNetworksOpenTheirRangeButNeverTheNodesOwnPort() {
        CallbackAddresses addresses = CallbackAddresses.allowing("127.0.0.0/8");
        addresses.ownPorts(8080, 8081);
        try (ApiTestBed bed = new ApiTestBed(new ApiAccess(false, addresses))) {
            EmbeddedChannel channel = bed.channel();
            assertTrue(exchange(channel, post(AUTHORIZE, "{\"callback\":\"http://127.0.0.1:9999/cb\"}"))
                    .startsWith("HTTP/1.1 200 OK"));
            assertEquals(error("400 Bad Request", "callback_not_allowed", "The callback 127.0.0.1:8081 is this node's"
                            + " own port on this machine; a callback may never call the push service itself."
                            + " Use your application's own URL."),
                    exchange(channel, post(AUTHORIZE, "{\"callback\":\"http://127.0.0.1:8081/publish/x\"}")));
            assertEquals(callbackRefused("10.0.0.1", "a private-network address"),
                    exchange(channel, post(AUTHORIZE, "{\"callback\":\"http://10.0.0.1/cb\"}")));
            assertFalse(channel.finish());
        }
    }

    @Test
    void logsShowAPublishedSocketOnlyAsItsTagAndNeverASecret() {
        String socket = "Q2h1bmt5LXJhbmRvbS0xOTItYml0LWlk";
        assertEquals("/publish/" + LogTag.of(socket) + "/s1", ApiHandler.redact("/publish/" + socket + "/s1"));
        assertEquals("/publish/" + LogTag.of(socket), ApiHandler.redact("/publish/" + socket));
        assertEquals("/authorize/<redacted>", ApiHandler.redact("/authorize/" + SECRET + "/client-1"));
    }
}

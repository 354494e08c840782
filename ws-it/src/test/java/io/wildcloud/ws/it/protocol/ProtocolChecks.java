package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared base of the SockJS protocol checks. Each subclass covers one part of the protocol as
 * the official suite defines it, written over real sockets against a {@link SockJsTarget}; a test
 * class binds them to a topology (one node, or three nodes behind a round-robin balancer) by
 * nesting subclasses that say which target to use.
 */
public abstract class ProtocolChecks {

    /** "Never cache this": the exact Cache-Control the protocol demands on private responses. */
    static final String NOT_CACHED = "no-store, no-cache, no-transform, must-revalidate, max-age=0";
    private static final Pattern RECEIVERS_TAKEN_XHR =
            Pattern.compile("^ws_receivers_taken_total\\{[^}]*transport=\"xhr\"[^}]*}\\s+([0-9.E]+)", Pattern.MULTILINE);
    /** A bound on a wait for a condition, not a guessed time: it passes as soon as the condition holds. */
    private static final Duration HELD_POLL_WITHIN = Duration.ofSeconds(20);
    private static final Pattern LONG_MAX_AGE = Pattern.compile("max-age=[1-9][0-9]{6}");

    protected abstract SockJsTarget target();

    protected Http http() {
        return new Http(target().readTimeout());
    }

    protected WsClient websocket(String url) {
        return WsClient.connect(url, target().readTimeout().multipliedBy(2));
    }

    /** A fresh session URL under {@code base}: {@code <base>/000/<uuid>}. */
    protected static String newSession(String base) {
        return base + "/000/" + UUID.randomUUID();
    }

    /** Opens an xhr-polling session and checks its open frame. */
    protected String openXhrSession(String base) {
        String session = newSession(base);
        RawResponse open = http().post(session + "/xhr");
        assertEquals(200, open.status(), () -> "open:\n" + open);
        assertEquals("o\n", open.bodyText());
        return session;
    }

    /**
     * Sends a poll of {@code session} that the server will hold (nothing is queued for it) and
     * returns once a node of the target has taken it as the session's receiver. Nothing on the wire
     * shows that moment (the poll answers nothing until a message comes), so this waits for the
     * nodes' {@code ws_receivers_taken_total} to rise: unlike the {@code ws_sessions_open} gauge,
     * it never goes down when an earlier poll lets its slot go meanwhile. (The official suite
     * sleeps 250 ms instead, which a loaded machine outlasts.)
     */
    protected RawHttp holdPoll(String session) {
        List<String> apiUrls = target().apiUrls();
        if (apiUrls.isEmpty()) {
            throw new AssertionError("this check needs the API URLs of the target's nodes: " + target().topUrl());
        }
        Http http = http();
        long before = receiversTaken(http, apiUrls);
        RawHttp held = http.sendOnly("POST", session + "/xhr");
        try {
            long[] now = {before};
            Waits.await(() -> (now[0] = receiversTaken(http, apiUrls)) > before,
                    () -> "no node took the held poll of " + session + " as its receiver (xhr receivers taken: "
                            + before + ", then " + now[0] + ")",
                    HELD_POLL_WITHIN);
            return held;
        } catch (RuntimeException | AssertionError e) {
            held.close();
            throw e;
        }
    }

    /** The xhr receivers the target's nodes have taken since they started, together. */
    private static long receiversTaken(Http http, List<String> apiUrls) {
        long taken = 0;
        for (String apiUrl : apiUrls) {
            String metrics = http.get(apiUrl + "/metrics").bodyText();
            Matcher line = RECEIVERS_TAKEN_XHR.matcher(metrics);
            if (!line.find()) {
                throw new AssertionError("no ws_receivers_taken_total for xhr at " + apiUrl + "/metrics");
            }
            taken += (long) Double.parseDouble(line.group(1));
        }
        return taken;
    }

    protected static void assertStatus(int expected, RawResponse response) {
        assertEquals(expected, response.status(), () -> "response:\n" + response);
    }

    /** Content-Type compared without spaces, as clients compare it. */
    protected static void assertContentType(String expected, RawResponse response) {
        String actual = response.header("content-type");
        assertNotNull(actual, () -> "no Content-Type in:\n" + response);
        assertEquals(expected, actual.replace(" ", ""), () -> "response:\n" + response);
    }

    protected static void assertNoCookie(RawResponse response) {
        assertFalse(response.headers().has("set-cookie"), () -> "unexpected cookie in:\n" + response);
    }

    protected static void assertNotCached(RawResponse response) {
        assertEquals(NOT_CACHED, response.header("cache-control"), () -> "response:\n" + response);
        assertNull(response.header("expires"), "Expires on an uncacheable response");
        assertNull(response.header("last-modified"), "Last-Modified on an uncacheable response");
    }

    /** Cacheable for about a year: {@code public}, a max-age of 7+ digits, an Expires date. */
    protected static void assertLongCached(RawResponse response) {
        String cacheControl = response.header("cache-control");
        assertNotNull(cacheControl, () -> "no Cache-Control in:\n" + response);
        assertTrue(cacheControl.contains("public"), cacheControl);
        assertTrue(LONG_MAX_AGE.matcher(cacheControl).find(), "max-age of a year expected: " + cacheControl);
        assertNotNull(response.header("expires"), () -> "no Expires in:\n" + response);
    }

    /** CORS for a request that carried {@code Origin: origin}: echoed, with credentials. */
    protected static void assertCors(String origin, RawResponse response) {
        assertEquals(origin, response.header("access-control-allow-origin"), () -> "response:\n" + response);
        assertEquals("true", response.header("access-control-allow-credentials"), () -> "response:\n" + response);
    }

    /** A CORS preflight answered as SockJS clients need it, for an ordinary and a {@code null} origin. */
    protected void assertPreflight(String url, String methods) {
        for (String origin : new String[] {"test", "null"}) {
            RawResponse response = http().options(url,
                    "Origin", origin, "Access-Control-Request-Method", methods);
            assertTrue(response.status() == 200 || response.status() == 204, () -> "preflight:\n" + response);
            assertLongCached(response);
            String maxAge = response.header("access-control-max-age");
            assertNotNull(maxAge, () -> "no Access-Control-Max-Age in:\n" + response);
            assertTrue(Long.parseLong(maxAge.trim()) > 1_000_000, maxAge);
            String allowed = response.header("access-control-allow-methods");
            assertNotNull(allowed, () -> "no Access-Control-Allow-Methods in:\n" + response);
            for (String method : methods.split(",")) {
                assertTrue(allowed.contains(method.trim()), () -> method + " not allowed by " + allowed);
            }
            assertEquals(0, response.body().length, () -> "preflight with a body:\n" + response);
            assertCors(origin, response);
        }
    }
}

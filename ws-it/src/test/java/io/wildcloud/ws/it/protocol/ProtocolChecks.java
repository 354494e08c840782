package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import java.util.UUID;
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

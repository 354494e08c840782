package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * JSESSIONID, for balancers that pin sessions by that cookie: every session response of a service
 * with cookies on sets it, echoing the client's value or inventing {@code dummy}.
 */
public abstract class JsessionIdChecks extends ProtocolChecks {

    static void assertCookie(String expectedValue, RawResponse response) {
        String cookie = response.header("set-cookie");
        assertNotNull(cookie, () -> "no Set-Cookie in:\n" + response);
        String[] parts = cookie.split(";");
        assertTrue(parts.length >= 2, cookie);
        assertEquals("JSESSIONID=" + expectedValue, parts[0].strip());
        assertEquals("path=/", parts[1].strip().toLowerCase(Locale.ROOT));
    }

    @Test
    void infoSaysCookieNeededButSetsNone() {
        RawResponse response = http().get(target().cookieNeeded() + "/info");
        assertStatus(200, response);
        assertNoCookie(response);
        assertEquals(new JsonPrimitive(true),
                JsonParser.parseString(response.bodyText()).getAsJsonObject().get("cookie_needed"));
    }

    @Test
    void xhrSetsDummyCookieOrEchoesTheClients() {
        RawResponse fresh = http().post(newSession(target().cookieNeeded()) + "/xhr");
        assertStatus(200, fresh);
        assertEquals("o\n", fresh.bodyText());
        assertCookie("dummy", fresh);

        RawResponse echoed = http().post(newSession(target().cookieNeeded()) + "/xhr", "", "Cookie", "JSESSIONID=abcdef");
        assertStatus(200, echoed);
        assertEquals("o\n", echoed.bodyText());
        assertCookie("abcdef", echoed);
    }

    @Test
    void xhrStreamingSetsCookie() {
        try (Http.Stream stream = http().open("POST", newSession(target().cookieNeeded()) + "/xhr_streaming")) {
            assertStatus(200, stream.head());
            assertCookie("dummy", stream.head());
        }
    }

    @Test
    void eventSourceSetsCookie() {
        try (Http.Stream stream = http().open("GET", newSession(target().cookieNeeded()) + "/eventsource")) {
            assertStatus(200, stream.head());
            assertCookie("dummy", stream.head());
        }
    }

    @Test
    void htmlFileSetsCookie() {
        try (Http.Stream stream = http().open("GET", newSession(target().cookieNeeded()) + "/htmlfile?c=%63allback")) {
            assertStatus(200, stream.head());
            assertCookie("dummy", stream.head());
        }
    }

    @Test
    void jsonpPollAndSendSetCookie() {
        String session = newSession(target().cookieNeeded());
        RawResponse poll = http().get(session + "/jsonp?c=%63allback");
        assertStatus(200, poll);
        assertCookie("dummy", poll);
        assertEquals("/**/callback(\"o\");\r\n", poll.bodyText());

        RawResponse send = http().post(session + "/jsonp_send", "d=%5B%22x%22%5D",
                "Content-Type", "application/x-www-form-urlencoded");
        assertStatus(200, send);
        assertEquals("ok", send.bodyText());
        assertCookie("dummy", send);
    }
}

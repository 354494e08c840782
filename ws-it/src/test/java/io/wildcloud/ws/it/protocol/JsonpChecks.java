package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.RawResponse;
import org.junit.jupiter.api.Test;

/** jsonp-polling: {@code GET /jsonp?c=cb} receives, {@code POST /jsonp_send} sends (form or raw). */
public abstract class JsonpChecks extends ProtocolChecks {

    private static final String FORM = "application/x-www-form-urlencoded";

    private RawResponse sendForm(String session, String body) {
        return http().post(session + "/jsonp_send", body, "Content-Type", FORM);
    }

    @Test
    void pollAndSendRoundTrip() {
        String session = newSession(target().echo());
        RawResponse open = http().get(session + "/jsonp?c=%63allback");
        assertStatus(200, open);
        assertContentType("application/javascript;charset=UTF-8", open);
        assertNotCached(open);
        assertEquals("/**/callback(\"o\");\r\n", open.bodyText());

        RawResponse send = sendForm(session, "d=%5B%22x%22%5D");
        assertStatus(200, send);
        // Konqueror mishandles 204, so jsonp_send answers 200 "ok".
        assertEquals("ok", send.bodyText());
        assertContentType("text/plain;charset=UTF-8", send);
        assertNotCached(send);

        RawResponse poll = http().get(session + "/jsonp?c=%63allback");
        assertStatus(200, poll);
        assertEquals("/**/callback(\"a[\\\"x\\\"]\");\r\n", poll.bodyText());
    }

    @Test
    void missingCallbackIsAnError() {
        RawResponse response = http().get(target().echo() + "/a/a/jsonp");
        assertStatus(500, response);
        assertTrue(response.bodyText().contains("\"callback\" parameter required"), response::toString);
    }

    @Test
    void callbackWithCharactersOutsideTheSafeSetIsAnError() {
        for (String callback : new String[] {"%20", "*", "abc(", "abc%28"}) {
            RawResponse response = http().get(target().echo() + "/a/a/jsonp?c=" + callback);
            assertStatus(500, response);
            assertTrue(response.bodyText().contains("invalid \"callback\" parameter"), response::toString);
        }
    }

    @Test
    void brokenOrMissingPayloadIsRejectedAndSessionGoesOn() {
        String session = newSession(target().echo());
        assertEquals("/**/x(\"o\");\r\n", http().get(session + "/jsonp?c=x").bodyText());

        RawResponse broken = sendForm(session, "d=%5B%22x");
        assertStatus(500, broken);
        assertTrue(broken.bodyText().contains("Broken JSON encoding."), broken::toString);

        for (String body : new String[] {"", "d=", "p=p"}) {
            RawResponse missing = sendForm(session, body);
            assertStatus(500, missing);
            assertTrue(missing.bodyText().contains("Payload expected."), () -> "'" + body + "': " + missing);
        }

        assertEquals("ok", sendForm(session, "d=%5B%22b%22%5D").bodyText());
        RawResponse poll = http().get(session + "/jsonp?c=x");
        assertStatus(200, poll);
        assertEquals("/**/x(\"a[\\\"b\\\"]\");\r\n", poll.bodyText());
    }

    @Test
    void formAndRawBodiesAreBothAccepted() {
        String session = newSession(target().echo());
        assertEquals("/**/x(\"o\");\r\n", http().get(session + "/jsonp?c=x").bodyText());

        assertEquals("ok", sendForm(session, "d=%5B%22abc%22%5D").bodyText());
        // A raw body is not URL-decoded: "%61" stays as it is.
        assertEquals("ok", http().post(session + "/jsonp_send", "[\"%61bc\"]", "Content-Type", "text/plain").bodyText());

        RawResponse poll = http().get(session + "/jsonp?c=x");
        assertStatus(200, poll);
        assertEquals("/**/x(\"a[\\\"abc\\\",\\\"%61bc\\\"]\");\r\n", poll.bodyText());
    }

    @Test
    void closedSessionAnswersEveryPollWithItsCloseFrame() {
        String session = newSession(target().close());
        assertEquals("/**/x(\"o\");\r\n", http().get(session + "/jsonp?c=x").bodyText());
        for (int poll = 0; poll < 2; poll++) {
            assertEquals("/**/x(\"c[3000,\\\"Go away!\\\"]\");\r\n", http().get(session + "/jsonp?c=x").bodyText());
        }
    }

    @Test
    void emptyBatchIsAccepted() {
        String session = newSession(target().echo());
        assertEquals("/**/x(\"o\");\r\n", http().get(session + "/jsonp?c=x").bodyText());
        assertEquals("ok", sendForm(session, "d=%5B%5D").bodyText());
        assertEquals("ok", sendForm(session, "d=%5B%22x%22%5D").bodyText());
        RawResponse poll = http().get(session + "/jsonp?c=x");
        assertStatus(200, poll);
        assertEquals("/**/x(\"a[\\\"x\\\"]\");\r\n", poll.bodyText());
    }
}

package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.RawResponse;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** xhr-polling: {@code POST /xhr} to receive, {@code POST /xhr_send} to send. */
public abstract class XhrPollingChecks extends ProtocolChecks {

    @Test
    void pollAndSendAnswerCorsPreflight() {
        assertPreflight(target().echo() + "/abc/abc/xhr", "OPTIONS, POST");
        assertPreflight(target().echo() + "/abc/abc/xhr_send", "OPTIONS, POST");
    }

    @Test
    void transportHeadersAndRoundTrip() {
        String session = newSession(target().echo());
        RawResponse open = http().post(session + "/xhr", "", "Origin", "test");
        assertStatus(200, open);
        assertEquals("o\n", open.bodyText());
        assertContentType("application/javascript;charset=UTF-8", open);
        assertCors("test", open);
        assertNotCached(open);

        RawResponse send = http().post(session + "/xhr_send", "[\"x\"]", "Origin", "test");
        assertStatus(204, send);
        assertEquals(0, send.body().length);
        // Firefox treats a 204 without a type as XML and complains, so the type is text/plain.
        assertContentType("text/plain;charset=UTF-8", send);
        assertCors("test", send);
        assertNotCached(send);

        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[\"x\"]\n", poll.bodyText());
    }

    @Test
    void sendToUnknownSessionIsNotFound() {
        assertStatus(404, http().post(newSession(target().echo()) + "/xhr_send", "[\"x\"]"));
    }

    @Test
    void brokenOrMissingPayloadIsRejectedAndSessionGoesOn() {
        String session = openXhrSession(target().echo());

        RawResponse broken = http().post(session + "/xhr_send", "[\"x");
        assertStatus(500, broken);
        assertTrue(broken.bodyText().contains("Broken JSON encoding."), broken::toString);

        RawResponse empty = http().post(session + "/xhr_send", "");
        assertStatus(500, empty);
        assertTrue(empty.bodyText().contains("Payload expected."), empty::toString);

        RawResponse good = http().post(session + "/xhr_send", "[\"a\"]");
        assertStatus(204, good);
        assertEquals(0, good.body().length);

        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[\"a\"]\n", poll.bodyText());
    }

    @Test
    void anyRequestContentTypeIsAccepted() {
        String session = openXhrSession(target().echo());
        List<String> types = List.of("text/plain", "T", "application/json", "application/xml", "",
                "application/json; charset=utf-8", "text/xml; charset=utf-8", "text/xml");
        for (String type : types) {
            RawResponse send = http().post(session + "/xhr_send", "[\"a\"]", "Content-Type", type);
            assertStatus(204, send);
            assertEquals(0, send.body().length);
        }
        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[" + String.join(",", Collections.nCopies(types.size(), "\"a\"")) + "]\n", poll.bodyText());
    }

    @Test
    void requestedHeadersAreEchoedInPreflightOnlyWhenAsked() {
        RawResponse asked = http().options(newSession(target().echo()) + "/xhr",
                "Origin", "test", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "a, b, c");
        assertTrue(asked.status() == 200 || asked.status() == 204, asked::toString);
        assertCors("test", asked);
        assertEquals("a, b, c", asked.header("access-control-allow-headers"));

        RawResponse askedNothing = http().options(newSession(target().echo()) + "/xhr",
                "Origin", "test", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "");
        assertTrue(askedNothing.status() == 200 || askedNothing.status() == 204, askedNothing::toString);
        assertCors("test", askedNothing);
        assertEmptyOrAbsent(askedNothing.header("access-control-allow-headers"));

        RawResponse notAsked = http().options(newSession(target().echo()) + "/xhr",
                "Origin", "test", "Access-Control-Request-Method", "POST");
        assertTrue(notAsked.status() == 200 || notAsked.status() == 204, notAsked::toString);
        assertCors("test", notAsked);
        assertNull(notAsked.header("access-control-allow-headers"));
    }

    @Test
    void emptyBatchIsAcceptedAsAClientHeartbeat() {
        String session = openXhrSession(target().echo());
        assertStatus(204, http().post(session + "/xhr_send", "[]"));
        assertStatus(204, http().post(session + "/xhr_send", "[\"a\"]"));
        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[\"a\"]\n", poll.bodyText());
    }

    private static void assertEmptyOrAbsent(String value) {
        assertTrue(value == null || value.isEmpty(), () -> "expected no Access-Control-Allow-Headers, got " + value);
    }
}

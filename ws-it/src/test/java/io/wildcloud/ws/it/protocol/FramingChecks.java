package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import org.junit.jupiter.api.Test;

/** The session life cycle and its frames, seen through xhr-polling. */
public abstract class FramingChecks extends ProtocolChecks {

    @Test
    void sessionOpensEchoesAndAllowsOneReceiverAtATime() {
        String session = openXhrSession(target().echo());

        RawResponse send = http().post(session + "/xhr_send", "[\"a\"]");
        assertStatus(204, send);
        assertEquals(0, send.body().length);

        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[\"a\"]\n", poll.bodyText());

        assertStatus(404, http().post(target().echo() + "/000/bad_session/xhr_send", "[\"a\"]"));

        try (RawHttp held = holdPoll(session)) {
            RawResponse second = http().post(session + "/xhr");
            assertStatus(200, second);
            assertEquals("c[2010,\"Another connection still open\"]\n", second.bodyText());
            assertFalse(held.isClosedByServer(), "the first receiver must not be disturbed by the second");
        }
    }

    @Test
    void closedSessionAnswersEveryPollWithItsCloseFrame() {
        String session = openXhrSession(target().close());
        for (int poll = 0; poll < 2; poll++) {
            RawResponse response = http().post(session + "/xhr");
            assertStatus(200, response);
            assertEquals("c[3000,\"Go away!\"]\n", response.bodyText());
        }
    }
}

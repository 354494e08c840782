package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import org.junit.jupiter.api.Test;

/** The session life cycle and its frames, seen through xhr-polling. */
public abstract class FramingChecks extends ProtocolChecks {

    /**
     * How long to leave a held poll alone so that the server has surely taken it as the session's
     * receiver. Nothing on the wire shows that moment (the poll answers nothing until a message
     * comes), so this waits a fixed time, as the official suite does (250 ms): half a read timeout,
     * and at least 300 ms, so that a slower target (a balancer and Redis) gets more.
     */
    static long heldPollSettleMillis(SockJsTarget target) {
        return Math.max(300, target.readTimeout().toMillis() / 2);
    }

    @Test
    void sessionOpensEchoesAndAllowsOneReceiverAtATime() throws InterruptedException {
        String session = openXhrSession(target().echo());

        RawResponse send = http().post(session + "/xhr_send", "[\"a\"]");
        assertStatus(204, send);
        assertEquals(0, send.body().length);

        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[\"a\"]\n", poll.bodyText());

        assertStatus(404, http().post(target().echo() + "/000/bad_session/xhr_send", "[\"a\"]"));

        try (RawHttp held = http().sendOnly("POST", session + "/xhr")) {
            Thread.sleep(heldPollSettleMillis(target()));
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

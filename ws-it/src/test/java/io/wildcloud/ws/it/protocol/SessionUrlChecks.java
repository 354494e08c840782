package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.it.http.RawResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code /<server>/<session>/<transport>}: which ids are accepted, and that the server id is ignored. */
public abstract class SessionUrlChecks extends ProtocolChecks {

    @Test
    void anyNonEmptyIdsWithoutDotsAreAccepted() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        for (String ids : new String[] {"/a/a" + unique, "/_/_" + unique, "/1/" + unique,
                "/abcdefgh_i-j%20/abcdefg_i-j%20" + unique}) {
            RawResponse response = http().post(target().echo() + ids + "/xhr");
            assertStatus(200, response);
            assertEquals("o\n", response.bodyText(), ids);
        }
    }

    @Test
    void emptyDottedOrMisshapenIdsAreNotFound() {
        for (String ids : new String[] {"//", "/a./a", "/a/a.", "/./.", "/", "///"}) {
            assertStatus(404, http().get(target().echo() + ids + "/xhr"));
            assertStatus(404, http().post(target().echo() + ids + "/xhr"));
        }
    }

    @Test
    void sessionIsFoundByItsSessionIdWhateverTheServerId() {
        String sessionId = UUID.randomUUID().toString();
        RawResponse open = http().post(target().echo() + "/000/" + sessionId + "/xhr");
        assertStatus(200, open);
        assertEquals("o\n", open.bodyText());

        RawResponse send = http().post(target().echo() + "/000/" + sessionId + "/xhr_send", "[\"a\"]");
        assertStatus(204, send);
        assertEquals(0, send.body().length);

        RawResponse poll = http().post(target().echo() + "/999/" + sessionId + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[\"a\"]\n", poll.bodyText());
    }
}

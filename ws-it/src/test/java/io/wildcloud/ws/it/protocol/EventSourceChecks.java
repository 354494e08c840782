package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.it.http.Http;
import org.junit.jupiter.api.Test;

/** EventSource: a {@code text/event-stream} GET with one {@code data:} event per frame. */
public abstract class EventSourceChecks extends ProtocolChecks {

    @Test
    void streamSendsNewlinePreludeThenFramesAsEvents() {
        String session = newSession(target().echo());
        try (Http.Stream stream = http().open("GET", session + "/eventsource")) {
            assertStatus(200, stream.head());
            assertContentType("text/event-stream", stream.head());
            assertNotCached(stream.head());

            assertEquals("\r\n", stream.nextChunk());
            assertEquals("data: o\r\n\r\n", stream.nextChunk());

            var send = http().post(session + "/xhr_send", "[\"x\"]");
            assertStatus(204, send);
            assertEquals(0, send.body().length);
            assertEquals("data: a[\"x\"]\r\n\r\n", stream.nextChunk());

            // Leading spaces, NUL and line breaks must not break the event framing: JSON escapes them.
            assertStatus(204, http().post(session + "/xhr_send", "[\"  \\u0000\\n\\r \"]"));
            assertEquals("data: a[\"  \\u0000\\n\\r \"]\r\n\r\n", stream.nextChunk());
        }
    }

    @Test
    void streamEndsOnceTheResponseLimitIsReached() {
        String session = newSession(target().echo());
        try (Http.Stream stream = http().open("GET", session + "/eventsource")) {
            assertStatus(200, stream.head());
            assertEquals("\r\n", stream.nextChunk());
            assertEquals("data: o\r\n\r\n", stream.nextChunk());

            String message = "\"" + "x".repeat(4096) + "\"";
            assertStatus(204, http().post(session + "/xhr_send", "[" + message + "]"));
            assertEquals("data: a[" + message + "]\r\n\r\n", stream.nextChunk());
            assertEquals("", stream.nextChunk(), "the stream must end with the terminating chunk");
        }
    }
}

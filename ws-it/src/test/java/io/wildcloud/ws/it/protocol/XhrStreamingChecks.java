package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.it.http.Http;
import org.junit.jupiter.api.Test;

/** xhr-streaming: one long chunked POST response that carries frame after frame. */
public abstract class XhrStreamingChecks extends ProtocolChecks {

    /** 2 KiB of {@code h} and a newline: makes old browsers hand over the response as it grows. */
    static final String PRELUDE = "h".repeat(2048) + "\n";

    @Test
    void streamAnswersCorsPreflight() {
        assertPreflight(target().echo() + "/abc/abc/xhr_streaming", "OPTIONS, POST");
    }

    @Test
    void streamSendsPreludeOpenFrameThenEachMessageInItsOwnChunk() {
        String session = newSession(target().echo());
        try (Http.Stream stream = http().open("POST", session + "/xhr_streaming", "Origin", "test")) {
            assertStatus(200, stream.head());
            assertContentType("application/javascript;charset=UTF-8", stream.head());
            assertCors("test", stream.head());
            assertNotCached(stream.head());

            assertEquals(PRELUDE, stream.nextChunk());
            assertEquals("o\n", stream.nextChunk());

            var send = http().post(session + "/xhr_send", "[\"x\"]");
            assertStatus(204, send);
            assertEquals(0, send.body().length);
            assertEquals("a[\"x\"]\n", stream.nextChunk());
        }
    }

    @Test
    void streamEndsOnceTheResponseLimitIsReached() {
        String session = newSession(target().echo());
        try (Http.Stream stream = http().open("POST", session + "/xhr_streaming")) {
            assertStatus(200, stream.head());
            assertEquals(PRELUDE, stream.nextChunk());
            assertEquals("o\n", stream.nextChunk());

            // Each frame is 134 bytes; the 31st takes the total past the test services' 4096-byte limit.
            String message = "\"" + "x".repeat(128) + "\"";
            for (int i = 0; i < 31; i++) {
                assertStatus(204, http().post(session + "/xhr_send", "[" + message + "]"));
                assertEquals("a[" + message + "]\n", stream.nextChunk(), "frame " + i);
            }
            assertEquals("", stream.nextChunk(), "the stream must end with the terminating chunk");
        }
    }
}

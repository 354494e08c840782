package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.wildcloud.ws.it.http.RawResponse;
import org.junit.jupiter.api.Test;

/** SockJS's JSON: the characters the server must escape, and the escapes it must understand. */
public abstract class JsonEncodingChecks extends ProtocolChecks {

    /** Ranges above U+00FF that browsers or proxies mangle, so the server must send them escaped. */
    private static final int[][] SERVER_ESCAPES = {{0x200c, 0x200f}, {0x2028, 0x202f}, {0x2060, 0x206f}, {0xfff0, 0xffff}};

    @Test
    void serverEscapesTheCharactersBrowsersMangle() {
        StringBuilder raw = new StringBuilder();
        StringBuilder escaped = new StringBuilder();
        for (int[] range : SERVER_ESCAPES) {
            for (int c = range[0]; c <= range[1]; c++) {
                raw.append((char) c);
                escaped.append(String.format("\\u%04x", c));
            }
        }
        String session = openXhrSession(target().echo());
        assertStatus(204, http().post(session + "/xhr_send", "[\"" + raw + "\"]"));

        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        assertEquals("a[\"" + escaped + "\"]\n", poll.bodyText());
    }

    @Test
    void serverDecodesEveryUnicodeEscape() {
        // Every BMP character but the surrogate halves, each sent as a \\uXXXX escape, in batches
        // that stay well below the node's message size limit; then a surrogate pair. Each batch in
        // a session of its own: the 393 KB of escapes are over one session's client-byte-burst.
        int batch = 4096;
        for (int start = 0; start < 0x10000; start += batch) {
            String session = openXhrSession(target().echo());
            StringBuilder expected = new StringBuilder();
            StringBuilder escaped = new StringBuilder();
            for (int c = start; c < start + batch; c++) {
                if (c < 0xd800 || c > 0xdfff) {
                    expected.append((char) c);
                    escaped.append(String.format("\\u%04x", c));
                }
            }
            assertEchoed(session, escaped.toString(), expected.toString());
        }
        assertEchoed(openXhrSession(target().echo()), "\\ud83c\\udf4c", "\ud83c\udf4c");
    }

    private void assertEchoed(String session, String escaped, String expected) {
        RawResponse send = http().post(session + "/xhr_send", "[\"" + escaped + "\"]");
        assertStatus(204, send);
        RawResponse poll = http().post(session + "/xhr");
        assertStatus(200, poll);
        String body = poll.bodyText();
        assertTrue(body.startsWith("a[") && body.endsWith("]\n"), () -> "not a message frame: " + body);
        JsonArray messages = JsonParser.parseString(body.substring(1).strip()).getAsJsonArray();
        assertEquals(1, messages.size());
        String echoed = messages.get(0).getAsString();
        if (!expected.equals(echoed)) {
            for (int i = 0; i < Math.min(expected.length(), echoed.length()); i++) {
                if (expected.charAt(i) != echoed.charAt(i)) {
                    throw new AssertionError(String.format("first difference at U+%04x: got U+%04x",
                            (int) expected.charAt(i), (int) echoed.charAt(i)));
                }
            }
            assertEquals(expected.length(), echoed.length(), "echoed length");
        }
    }
}

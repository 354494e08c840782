package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** htmlfile: a streaming HTML page that hands each frame to {@code parent.<callback>}. */
public abstract class HtmlFileChecks extends ProtocolChecks {

    /** The page head the protocol prescribes; the server pads it with whitespace past 1 KiB. */
    private static final String HEAD = """
            <!doctype html>
            <html><head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
            </head><body><h2>Don't panic!</h2>
              <script>
                document.domain = document.domain;
                var c = parent.%s;
                c.start();
                function p(d) {c.message(d);};
                window.onload = function() {c.stop();};
              </script>""";

    static String script(String frameAsJsString) {
        return "<script>\np(\"" + frameAsJsString + "\");\n</script>\r\n";
    }

    @Test
    void pageStreamsOneScriptPerFrame() {
        String session = newSession(target().echo());
        // %63 is "c": the callback is URL-decoded before it is checked and used.
        try (Http.Stream stream = http().open("GET", session + "/htmlfile?c=%63allback")) {
            assertStatus(200, stream.head());
            assertContentType("text/html;charset=UTF-8", stream.head());
            assertNotCached(stream.head());

            String head = stream.nextChunk();
            assertEquals(HEAD.formatted("callback"), head.strip());
            assertTrue(head.getBytes(StandardCharsets.UTF_8).length > 1024, "head must be padded past 1 KiB");
            assertEquals(script("o"), stream.nextChunk());

            var send = http().post(session + "/xhr_send", "[\"x\"]");
            assertStatus(204, send);
            assertEquals(0, send.body().length);
            assertEquals(script("a[\\\"x\\\"]"), stream.nextChunk());
        }
    }

    /**
     * Beyond the official suite: a message holding {@code </script>} must not end the script element
     * early, or the browser's HTML parser drops the frame (and every later one in that script). The
     * frame must arrive escaped so that the page never contains {@code </} inside a script, and must
     * decode back to the frame.
     */
    @Test
    void scriptEndTagInAMessageCannotBreakOutOfTheScript() {
        String session = newSession(target().echo());
        try (Http.Stream stream = http().open("GET", session + "/htmlfile?c=callback")) {
            assertStatus(200, stream.head());
            stream.nextChunk();
            assertEquals(script("o"), stream.nextChunk());

            assertStatus(204, http().post(session + "/xhr_send", "[\"a </script><b> </SCRIPT x\"]"));
            String chunk = stream.nextChunk();
            String prefix = "<script>\np(\"";
            String suffix = "\");\n</script>\r\n";
            assertTrue(chunk.startsWith(prefix) && chunk.endsWith(suffix), () -> "not one script: " + chunk);
            String literal = chunk.substring(prefix.length(), chunk.length() - suffix.length());
            assertFalse(literal.toLowerCase(java.util.Locale.ROOT).contains("</"),
                    () -> "the frame ends the script element early: " + chunk);
            assertEquals("a[\"a </script><b> </SCRIPT x\"]",
                    com.google.gson.JsonParser.parseString("\"" + literal + "\"").getAsString());
        }
    }

    @Test
    void missingCallbackIsAnError() {
        RawResponse response = http().get(target().echo() + "/a/a/htmlfile");
        assertStatus(500, response);
        assertTrue(response.bodyText().contains("\"callback\" parameter required"), response::toString);
    }

    @Test
    void callbackWithCharactersOutsideTheSafeSetIsAnError() {
        for (String callback : new String[] {"%20", "*", "abc(", "abc%28"}) {
            RawResponse response = http().get(target().echo() + "/a/a/htmlfile?c=" + callback);
            assertStatus(500, response);
            assertTrue(response.bodyText().contains("invalid \"callback\" parameter"), response::toString);
        }
    }

    @Test
    void pageEndsOnceTheResponseLimitIsReached() {
        String session = newSession(target().echo());
        try (Http.Stream stream = http().open("GET", session + "/htmlfile?c=callback")) {
            assertStatus(200, stream.head());
            assertTrue(stream.nextChunk().length() > 1024);
            assertEquals(script("o"), stream.nextChunk());

            String big = "x".repeat(4096);
            assertStatus(204, http().post(session + "/xhr_send", "[\"" + big + "\"]"));
            assertEquals(script("a[\\\"" + big + "\\\"]"), stream.nextChunk());
            assertEquals("", stream.nextChunk(), "the page must end with the terminating chunk");
        }
    }
}

package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamingTransportsTest {

    private static final String NO_CACHE = "cache-control: no-store, no-cache, no-transform, must-revalidate, max-age=0\r\n";
    private static final String XHR_STREAMING_HEAD = "HTTP/1.1 200 OK\r\n"
            + "content-type: application/javascript;charset=UTF-8\r\n" + NO_CACHE
            + "access-control-allow-origin: *\r\ntransfer-encoding: chunked\r\n\r\n";
    private static final String PRELUDE = "h".repeat(2048) + "\n";

    private final SockJsChannels channels = new SockJsChannels();
    private final EmbeddedChannel ch = channels.open();
    private final EmbeddedChannel sender = channels.open();

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        assertFalse(sender.finish());
        channels.close();
    }

    /** One HTTP/1.1 chunk carrying {@code text}. */
    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    private static final String LAST_CHUNK = "0\r\n\r\n";

    @Test
    void xhrStreamingWritesPreludeThenOneFramePerChunk() {
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE) + chunk("o\n"),
                exchange(ch, post("/echo/000/s1/xhr_streaming", "")));
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"x\"]"));
        assertEquals(chunk("a[\"x\"]\n"), read(ch));
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"y\",\"z\"]"));
        assertEquals(chunk("a[\"y\",\"z\"]\n"), read(ch));
        ch.advanceTimeBy(SockJsOptions.DEFAULT_HEARTBEAT_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        assertEquals(chunk("h\n"), read(ch));
        ch.close();
    }

    @Test
    void responseEndsWithTheTerminatingChunkOnceTheLimitIsReached() {
        exchange(ch, post("/echo/000/s1/xhr_streaming", ""));
        String message = "\"" + "x".repeat(128) + "\"";
        for (int i = 0; i < 30; i++) {
            exchange(sender, post("/echo/000/s1/xhr_send", "[" + message + "]"));
            assertEquals(chunk("a[" + message + "]\n"), read(ch), "frame " + i);
        }
        exchange(sender, post("/echo/000/s1/xhr_send", "[" + message + "]"));
        assertEquals(chunk("a[" + message + "]\n") + LAST_CHUNK, read(ch), "4096 bytes of frames reached");
        assertTrue(ch.isOpen(), "keep-alive connection survives the response");
        // The slot was released: the next stream attaches and gets nothing old again.
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE), exchange(ch, post("/echo/000/s1/xhr_streaming", "")));
        ch.close();
    }

    @Test
    void streamDeliversWhatWasQueuedAndTheNextStreamDoesNotGetItAgain() {
        exchange(sender, post("/echo/000/s1/xhr", ""));
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"a\"]"));
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"b\"]"));
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE) + chunk("a[\"a\",\"b\"]\n"),
                exchange(ch, post("/echo/000/s1/xhr_streaming", "")));
        String big = "x".repeat(4096);
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"" + big + "\"]"));
        assertEquals(chunk("a[\"" + big + "\"]\n") + LAST_CHUNK, read(ch));
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE), exchange(ch, post("/echo/000/s1/xhr_streaming", "")),
                "everything written was acknowledged");
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"c\"]"));
        assertEquals(chunk("a[\"c\"]\n"), read(ch));
        ch.close();
    }

    @Test
    void closedSessionEndsEveryStreamWithItsCloseFrame() {
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE) + chunk("o\n") + chunk("c[3000,\"Go away!\"]\n") + LAST_CHUNK,
                exchange(ch, post("/close/000/s1/xhr_streaming", "")));
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE) + chunk("c[3000,\"Go away!\"]\n") + LAST_CHUNK,
                exchange(sender, post("/close/000/s1/xhr_streaming", "")));
    }

    @Test
    void secondStreamGets2010AndEnds() {
        exchange(ch, post("/echo/000/s1/xhr_streaming", ""));
        assertEquals("", exchange(sender, post("/echo/000/s1/xhr_streaming", "")), "asks again before 2010");
        for (long delay : SessionLifetime.ACROSS_REQUESTS.busyRetryDelaysMillis()) {
            sender.advanceTimeBy(delay, TimeUnit.MILLISECONDS);
            sender.runScheduledPendingTasks();
        }
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE) + chunk("c[2010,\"Another connection still open\"]\n")
                + LAST_CHUNK, read(sender));
        ch.close();
        assertEquals(XHR_STREAMING_HEAD + chunk(PRELUDE) + chunk("c[1002,\"Connection interrupted\"]\n")
                + LAST_CHUNK, exchange(sender, post("/echo/000/s1/xhr_streaming", "")), "aborted stream interrupts");
    }

    @Test
    void http10StreamHasNoChunkingAndEndsByClosing() {
        String response = exchange(ch, "POST /close/000/s1/xhr_streaming HTTP/1.0\r\nConnection: Keep-Alive\r\n"
                + "Content-Length: 0\r\n\r\n");
        assertEquals("HTTP/1.0 200 OK\r\ncontent-type: application/javascript;charset=UTF-8\r\n" + NO_CACHE
                + "access-control-allow-origin: *\r\nconnection: close\r\n\r\n"
                + PRELUDE + "o\n" + "c[3000,\"Go away!\"]\n", response);
        assertFalse(ch.isOpen());
    }

    @Test
    void eventSourceFramesAreEvents() {
        assertEquals("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" + NO_CACHE
                + "transfer-encoding: chunked\r\n\r\n" + chunk("\r\n") + chunk("data: o\r\n\r\n"),
                exchange(ch, get("/echo/000/s1/eventsource")));
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"  \\u0000\\n\\r \"]"));
        assertEquals(chunk("data: a[\"  \\u0000\\n\\r \"]\r\n\r\n"), read(ch));
        String big = "x".repeat(4096);
        exchange(sender, post("/echo/000/s1/xhr_send", "[\"" + big + "\"]"));
        assertEquals(chunk("data: a[\"" + big + "\"]\r\n\r\n") + LAST_CHUNK, read(ch));
    }

    @Test
    void htmlFileCallsTheParentCallbackAfterAKilobyteOfHead() {
        String response = exchange(ch, get("/cookie_needed_echo/000/s1/htmlfile?c=%63allback"));
        String head = "HTTP/1.1 200 OK\r\ncontent-type: text/html;charset=UTF-8\r\n" + NO_CACHE
                + "set-cookie: JSESSIONID=dummy; path=/\r\ntransfer-encoding: chunked\r\n\r\n";
        String prelude = HtmlFileTransport.prelude("callback");
        assertTrue(prelude.length() > 1024);
        assertTrue(prelude.startsWith("<!doctype html>\n<html><head>\n"));
        assertTrue(prelude.contains("    var c = parent.callback;\n"));
        assertEquals(head + chunk(prelude) + chunk("<script>\np(\"o\");\n</script>\r\n"), response);
        exchange(sender, post("/cookie_needed_echo/000/s1/xhr_send", "[\"x\"]"));
        assertEquals(chunk("<script>\np(\"a[\\\"x\\\"]\");\n</script>\r\n"), read(ch));
        ch.close();
    }

    @Test
    void htmlFileAndJsonpRejectMissingOrUnsafeCallbacks() {
        for (String transport : new String[] {"htmlfile", "jsonp"}) {
            String missing = exchange(ch, get("/echo/a/a/" + transport));
            assertTrue(missing.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), missing);
            assertTrue(missing.endsWith("\r\n\r\n\"callback\" parameter required"), missing);
            for (String callback : new String[] {"%20", "*", "abc(", "abc%28"}) {
                String invalid = exchange(ch, get("/echo/a/a/" + transport + "?c=" + callback));
                assertTrue(invalid.startsWith("HTTP/1.1 500 "), invalid);
                assertTrue(invalid.endsWith("invalid \"callback\" parameter"), invalid);
            }
        }
    }
}

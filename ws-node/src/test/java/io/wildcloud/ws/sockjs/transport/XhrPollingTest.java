package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.options;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.testmode.HttpText;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class XhrPollingTest {

    private static final String NO_CACHE = "cache-control: no-store, no-cache, no-transform, must-revalidate, max-age=0\r\n";
    private static final String XHR_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: application/javascript;charset=UTF-8\r\n"
            + NO_CACHE + "access-control-allow-origin: *\r\n";

    private final SockJsChannels channels = new SockJsChannels(SockJsOptions.defaults().withMaxMessageBytes(1024));
    private final EmbeddedChannel ch = channels.open();
    private final EmbeddedChannel other = channels.open();

    @AfterEach
    void finish() {
        assertFalse(ch.finish());
        assertFalse(other.finish());
        channels.close();
    }

    private static String xhr(String body) {
        return XHR_HEAD + "content-length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    @Test
    void opensSendsAndPolls() {
        assertEquals(xhr("o\n"), exchange(ch, post("/echo/000/s1/xhr", "")));
        assertEquals("HTTP/1.1 204 No Content\r\ncontent-type: text/plain;charset=UTF-8\r\n" + NO_CACHE
                + "access-control-allow-origin: *\r\n\r\n", exchange(ch, post("/echo/000/s1/xhr_send", "[\"a\"]")));
        assertEquals(xhr("a[\"a\"]\n"), exchange(ch, post("/echo/999/s1/xhr", "")));
    }

    @Test
    void messagesQueuedBetweenPollsComeAsOneFrame() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        exchange(ch, post("/echo/000/s1/xhr_send", "[\"a\",\"b\"]"));
        exchange(ch, post("/echo/000/s1/xhr_send", "[\"c\"]"));
        assertEquals(xhr("a[\"a\",\"b\",\"c\"]\n"), exchange(ch, post("/echo/000/s1/xhr", "")));
    }

    @Test
    void heldPollIsAnsweredWhenAMessageArrives() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        assertEquals("", exchange(ch, post("/echo/000/s1/xhr", "")), "nothing pending: the poll is held");
        exchange(other, post("/echo/000/s1/xhr_send", "[\"x\"]"));
        assertEquals(xhr("a[\"x\"]\n"), read(ch));
        // Released right after its answer is written: the next poll attaches.
        assertEquals("", exchange(other, post("/echo/000/s1/xhr", "")));
        other.close();
    }

    @Test
    void secondPollWhileOneIsHeldGetsAnotherConnectionStillOpen() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        assertEquals("", exchange(ch, post("/echo/000/s1/xhr", "")));
        assertEquals("", exchange(other, post("/echo/000/s1/xhr", "")), "asks again before 2010");
        waitOutBusyRetries(other);
        assertEquals(xhr("c[2010,\"Another connection still open\"]\n"), read(other));
        exchange(other, post("/echo/000/s1/xhr_send", "[\"still\"]"));
        assertEquals(xhr("a[\"still\"]\n"), read(ch), "the held poll was not touched");
    }

    @Test
    void pollThatMeetsTheSlotOfAJustAbortedPollGetsTheInterruption() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        assertEquals("", exchange(ch, post("/echo/000/s1/xhr", "")));
        // The new poll comes before this node has noticed that the held one's client went away.
        assertEquals("", exchange(other, post("/echo/000/s1/xhr", "")));
        ch.close();
        ch.runPendingTasks();
        other.advanceTimeBy(SessionLifetime.ACROSS_REQUESTS.busyRetryDelaysMillis()[0], TimeUnit.MILLISECONDS);
        assertEquals(xhr("c[1002,\"Connection interrupted\"]\n"), read(other));
    }

    @Test
    void heartbeatAnswersAHeldPoll() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        assertEquals("", exchange(ch, post("/echo/000/s1/xhr", "")));
        ch.advanceTimeBy(SockJsOptions.DEFAULT_HEARTBEAT_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        assertEquals(xhr("h\n"), read(ch));
    }

    @Test
    void closedSessionAnswersItsCloseFrameToEveryPoll() {
        assertEquals(xhr("o\n"), exchange(ch, post("/close/000/s1/xhr", "")));
        assertEquals(xhr("c[3000,\"Go away!\"]\n"), exchange(ch, post("/close/000/s1/xhr", "")));
        assertEquals(xhr("c[3000,\"Go away!\"]\n"), exchange(ch, post("/close/000/s1/xhr", "")));
    }

    @Test
    void abortedPollInterruptsTheSession() {
        exchange(other, post("/echo/000/s1/xhr", ""));
        assertEquals("", exchange(other, post("/echo/000/s1/xhr", "")));
        other.close();
        other.runPendingTasks();
        assertEquals(SessionStatus.CLOSED,
                channels.store().status(new SessionKey("echo", "s1")).toCompletableFuture().join());
        assertEquals(xhr("c[1002,\"Connection interrupted\"]\n"), exchange(ch, post("/echo/000/s1/xhr", "")));
    }

    @Test
    void sendToUnknownSessionIs404() {
        assertEquals(404, HttpText.parse(exchange(ch, post("/echo/000/nobody/xhr_send", "[\"x\"]"))).status());
    }

    @Test
    void badPayloadsGetTheProtocolErrors() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        HttpText broken = HttpText.parse(exchange(ch, post("/echo/000/s1/xhr_send", "[\"x")));
        assertEquals(500, broken.status());
        assertEquals("Broken JSON encoding.", broken.body());
        HttpText empty = HttpText.parse(exchange(ch, post("/echo/000/s1/xhr_send", "")));
        assertEquals(500, empty.status());
        assertEquals("Payload expected.", empty.body());
        assertEquals(204, HttpText.parse(exchange(ch, post("/echo/000/s1/xhr_send", "[]"))).status());
        HttpText tooBig = HttpText.parse(exchange(ch, post("/echo/000/s1/xhr_send", "[\"" + "x".repeat(1100) + "\"]")));
        assertEquals(413, tooBig.status());
        assertEquals("{\"error\":\"payload_too_large\",\"message\":\"Send at most 1024 bytes per request.\"}",
                tooBig.body());
        assertEquals("", exchange(ch, post("/echo/000/s1/xhr", "")), "nothing was queued by the bad sends");
        ch.close();
    }

    @Test
    void corsEchoesOriginAndRequestedHeaders() {
        HttpText response = HttpText.parse(exchange(ch, post("/echo/000/s1/xhr", "", "Origin: test",
                "Access-Control-Request-Headers: a, b")));
        assertEquals("test", response.header("access-control-allow-origin"));
        assertEquals("true", response.header("access-control-allow-credentials"));
        assertEquals("a, b", response.header("access-control-allow-headers"));
        HttpText send = HttpText.parse(exchange(ch, post("/echo/000/s1/xhr_send", "[\"x\"]", "Origin: null")));
        assertEquals("null", send.header("access-control-allow-origin"));
    }

    @Test
    void preflightOfXhrTransports() {
        for (String transport : new String[] {"xhr", "xhr_send", "xhr_streaming"}) {
            HttpText response = HttpText.parse(exchange(ch, options("/echo/abc/abc/" + transport, "Origin: test",
                    "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: ")));
            assertEquals(204, response.status());
            assertEquals("OPTIONS, POST", response.header("access-control-allow-methods"));
            assertEquals("public, max-age=31536000", response.header("cache-control"));
            assertNull(response.header("access-control-allow-headers"));
        }
    }

    @Test
    void wrongMethodIs405WithAllow() {
        HttpText response = HttpText.parse(exchange(ch, SockJsChannels.get("/echo/000/s1/xhr")));
        assertEquals(405, response.status());
        assertEquals("OPTIONS, POST", response.header("allow"));
        assertNull(response.header("content-type"));
        assertEquals("", response.body());
    }

    @Test
    void jsessionIdWhenTheEndpointNeedsCookies() {
        HttpText fresh = HttpText.parse(exchange(ch, post("/cookie_needed_echo/000/s1/xhr", "")));
        assertEquals("JSESSIONID=dummy; path=/", fresh.header("set-cookie"));
        HttpText echoed = HttpText.parse(exchange(ch, post("/cookie_needed_echo/000/s1/xhr_send", "[\"x\"]",
                "Cookie: a=b; JSESSIONID=abcdef")));
        assertEquals("JSESSIONID=abcdef; path=/", echoed.header("set-cookie"));
        assertNull(HttpText.parse(exchange(ch, post("/echo/000/s2/xhr", ""))).header("set-cookie"));
    }

    @Test
    void postWithoutContentLengthOpens() {
        assertEquals(xhr("o\n"), exchange(ch, "POST /echo/000/s1/xhr HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    @Test
    void serverDecodesEveryEscapeAndEscapesWhatBrowsersMangle() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        exchange(ch, post("/echo/000/s1/xhr_send", "[\"\\u00e9\\u2028\\u200c\\ufff0\\u0000\"]"));
        assertEquals(xhr("a[\"é\\u2028\\u200c\\ufff0\\u0000\"]\n"),
                exchange(ch, post("/echo/000/s1/xhr", "")));
    }

    /** Lets every retry of a claim that found the slot busy come and go (the clock is the channel's). */
    private static void waitOutBusyRetries(EmbeddedChannel channel) {
        for (long delay : SessionLifetime.ACROSS_REQUESTS.busyRetryDelaysMillis()) {
            channel.advanceTimeBy(delay, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
    }
}

package io.wildcloud.ws.sockjs.transport;

import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.exchange;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.get;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.post;
import static io.wildcloud.ws.sockjs.testmode.SockJsChannels.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStatus;
import io.wildcloud.ws.sockjs.testmode.SockJsChannels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link io.wildcloud.ws.sockjs.router.SockJsHandler#drain()}: a node going away hands its sessions
 * on. A held poll is released and answered with a heartbeat, a stream released and ended with its
 * terminating chunk, a websocket closed with going-away; the sessions stay open in the store, with
 * what is queued for them, for the client's next request on another node.
 */
class DrainTest {

    private static final String XHR_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: application/javascript;charset=UTF-8\r\n"
            + "cache-control: no-store, no-cache, no-transform, must-revalidate, max-age=0\r\n"
            + "access-control-allow-origin: *\r\ncontent-length: 2\r\n\r\n";

    private final SockJsChannels channels = new SockJsChannels();
    private final EmbeddedChannel ch = channels.open();
    private final EmbeddedChannel other = channels.open();

    @AfterEach
    void finish() {
        ch.finishAndReleaseAll();
        other.finishAndReleaseAll();
        channels.close();
    }

    @Test
    void heldPollIsReleasedThenAnsweredWithAHeartbeat() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        assertEquals("", exchange(ch, post("/echo/000/s1/xhr", "")), "held");
        CompletableFuture<Void> drained = channels.handler().drain().toCompletableFuture();
        assertEquals(XHR_HEAD + "h\n", read(ch));
        assertTrue(drained.isDone(), "no live connection left");
        // Released: a poll now finds the slot free (a drained node answers it at once with h, not 2010).
        assertEquals(XHR_HEAD + "h\n", exchange(other, post("/echo/000/s1/xhr", "")));
        assertEquals(SessionStatus.OPEN, status("s1"));
    }

    @Test
    void messagesQueuedAfterTheDrainWaitInTheStore() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        exchange(ch, post("/echo/000/s1/xhr", ""));
        channels.handler().drain();
        assertEquals(XHR_HEAD + "h\n", read(ch));
        channels.store().enqueue(new SessionKey("echo", "s1"), List.of("kept")).toCompletableFuture().join();
        assertEquals(XHR_HEAD.replace("length: 2", "length: 10") + "a[\"kept\"]\n",
                exchange(other, post("/echo/000/s1/xhr", "")), "the next poll, anywhere, gets it");
    }

    @Test
    void streamIsReleasedThenEndedWithTheTerminatingChunk() {
        exchange(ch, post("/echo/000/s1/xhr_streaming", ""));
        CompletableFuture<Void> drained = channels.handler().drain().toCompletableFuture();
        assertEquals("0\r\n\r\n", read(ch), "the terminating chunk, no close frame");
        assertTrue(drained.isDone());
        assertTrue(ch.isOpen(), "the node's connection handling decides about keep-alive");
        assertEquals(SessionStatus.OPEN, status("s1"));
    }

    @Test
    void websocketGetsGoingAwayFrameAndClose1001() {
        exchange(ch, get("/echo/000/s1/websocket", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==", "Sec-WebSocket-Version: 13"));
        CompletableFuture<Void> drained = channels.handler().drain().toCompletableFuture();
        ch.runPendingTasks();
        String frame = "c[1001,\"Server going away\"]";
        String reason = "Server going away";
        // The SockJS frame, then a websocket close 1001 (0x03e9) with the reason.
        assertEquals("\u0081" + (char) frame.length() + frame
                + "\u0088" + (char) (2 + reason.length()) + "\u0003\u00e9" + reason, readLatin1(ch));
        assertFalse(drained.isDone(), "the close handshake is on");
        ch.advanceTimeBy(CloseHandshake.CLOSE_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertTrue(drained.isDone());
    }

    @Test
    void pollArrivingWhileDrainingIsAnsweredAtOnce() {
        exchange(ch, post("/echo/000/s1/xhr", ""));
        channels.handler().drain();
        assertEquals(XHR_HEAD + "h\n", exchange(ch, post("/echo/000/s1/xhr", "")));
    }

    private SessionStatus status(String id) {
        return channels.store().status(new SessionKey("echo", id)).toCompletableFuture().join();
    }

    private static String readLatin1(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }
}

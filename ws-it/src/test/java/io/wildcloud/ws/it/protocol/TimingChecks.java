package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats and the disconnect delay, against a target whose nodes run with a short heartbeat
 * interval ({@link #HEARTBEAT_MILLIS}) and disconnect delay ({@link #DISCONNECT_DELAY_MILLIS}), so
 * that the protocol's timers can be seen within a test's time.
 */
public abstract class TimingChecks extends ProtocolChecks {

    public static final long HEARTBEAT_MILLIS = 1000;
    public static final long DISCONNECT_DELAY_MILLIS = 1000;

    @Test
    void idlePollIsAnsweredWithAHeartbeat() {
        String session = openXhrSession(target().echo());
        long start = System.nanoTime();
        RawResponse poll = http().post(session + "/xhr");
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertStatus(200, poll);
        assertEquals("h\n", poll.bodyText());
        assertTrue(waitedMillis >= HEARTBEAT_MILLIS / 2, "heartbeat came after only " + waitedMillis + " ms");
    }

    @Test
    void idleStreamGetsHeartbeatChunks() {
        try (Http.Stream stream = http().open("POST", newSession(target().echo()) + "/xhr_streaming")) {
            assertEquals(XhrStreamingChecks.PRELUDE, stream.nextChunk());
            assertEquals("o\n", stream.nextChunk());
            assertEquals("h\n", stream.nextChunk());
            assertEquals("h\n", stream.nextChunk());
        }
    }

    @Test
    void idleWebsocketGetsHeartbeatFrames() {
        try (WsClient ws = websocket(newSession(target().echo()) + "/websocket")) {
            assertEquals("o", ws.nextText());
            assertEquals("h", ws.nextText());
            assertEquals("h", ws.nextText());
        }
    }

    @Test
    void sessionWithoutReceiverEndsAfterTheDisconnectDelay() throws InterruptedException {
        String session = openXhrSession(target().echo());
        assertStatus(204, http().post(session + "/xhr_send", "[\"kept\"]"));
        // Well past the delay, with margin for an expiry sweep on a busy machine.
        long deadline = System.nanoTime() + (DISCONNECT_DELAY_MILLIS + 10_000) * 1_000_000;
        int status = 204;
        while (status != 404 && System.nanoTime() < deadline) {
            Thread.sleep(DISCONNECT_DELAY_MILLIS);
            status = http().post(session + "/xhr_send", "[\"late\"]").status();
        }
        assertEquals(404, status, "the session must be gone once nobody received for the disconnect delay");
        // A poll now starts a new session under the same id.
        assertEquals("o\n", http().post(session + "/xhr").bodyText());
    }

    @Test
    void receiverHeldSessionOutlivesTheDisconnectDelay() {
        for (int attempt = 1; ; attempt++) {
            // The open poll's end starts the disconnect delay; a stream then holds the session for
            // three times the delay, one receiver throughout: the delay's end must leave it be.
            String session = openXhrSession(target().echo());
            try (Http.Stream stream = http().open("POST", session + "/xhr_streaming")) {
                assertEquals(XhrStreamingChecks.PRELUDE, stream.nextChunk());
                String first = stream.nextChunk();
                if (first.equals("o\n") && attempt < 3) {
                    // A new session: the gap between the poll and the stream outlasted the delay (a
                    // loaded machine's), the delay at work before any receiver held the session.
                    // Polls one after the other left it unheld four times.
                    continue;
                }
                assertEquals("h\n", first, "the session, held by the stream");
                for (int beat = 0; beat < 2; beat++) {
                    assertEquals("h\n", stream.nextChunk());
                }
                assertStatus(204, http().post(session + "/xhr_send", "[\"alive\"]"));
                String chunk = stream.nextChunk();
                for (int beat = 0; chunk.equals("h\n") && beat < 3; beat++) {
                    chunk = stream.nextChunk(); // a heartbeat sent before the message
                }
                assertEquals("a[\"alive\"]\n", chunk);
                return;
            }
        }
    }
}

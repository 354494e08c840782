package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.engine.memory.MemorySessionStore;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A websocket that reads big messages as fast as they come never finds its session's queue full
 * of what it already read: it acknowledges once a quarter of the queue's byte bound waits, not
 * only every second (a second of 60 KiB publishes is many times the bound).
 *
 * <p>The publisher keeps at most {@link #UNREAD} messages ahead of the reader, as an application
 * publishing at the pace its user reads would: a publisher running freely ahead of a loaded
 * machine's reader fills the queue rightly (CI saw it), which is not what this test is about.
 */
class QueueByteBoundOverWebSocketTest {

    private static final int MAX_QUEUE_BYTES = 1 << 20;
    /** 60 KiB: 17 fill the bound; under the 64 KiB a message may have. */
    private static final String BIG = "x".repeat(60 * 1024);
    /** About 12 bounds' worth. */
    private static final int MESSAGES = 200;
    /** Published but not yet read: a quarter of the 17 that fill the bound. */
    private static final int UNREAD = 4;

    private PushOverSockJsRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new PushOverSockJsRig(PushLimits.defaults(),
                new MemorySessionStore(MemorySessionStore.DEFAULT_MAX_QUEUED_MESSAGES, MAX_QUEUE_BYTES));
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void aWebsocketReadingBigMessagesAtSpeedNeverFindsItsQueueFull() throws Exception {
        String socket = rig.authorize("big-reader");
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = rig.openWebSocket(socket, "w1", frames);
        assertEquals("o", frames.poll(10, TimeUnit.SECONDS));
        String body = "{\"message\":\"" + BIG + "\"}";
        int read = 0;
        for (int i = 0; i < MESSAGES; i++) {
            assertEquals("{\"sessions\":1,\"queue_full\":0}", rig.api("POST", "/publish/" + socket + "/w1", body, 200),
                    "publish " + (i + 1) + " of " + MESSAGES + " (" + MESSAGES * BIG.length() / MAX_QUEUE_BYTES
                            + " times the queue's byte bound, read as they come)");
            int published = i + 1;
            while (published - read > UNREAD || (published == MESSAGES && read < MESSAGES)) {
                read += readOneFrame(frames, read);
            }
        }
        assertEquals(MESSAGES, read);
        ws.abort();
    }

    /** The number of messages in the next frame, each checked. */
    private static int readOneFrame(BlockingQueue<String> frames, int readSoFar) throws InterruptedException {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        assertEquals('a', frame == null ? '-' : frame.charAt(0), "a message frame after " + readSoFar);
        String[] messages = ApiJson.GSON.fromJson(frame.substring(1), String[].class);
        for (String message : messages) {
            assertEquals(BIG, message);
        }
        return messages.length;
    }
}

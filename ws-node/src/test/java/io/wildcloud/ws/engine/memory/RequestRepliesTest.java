package io.wildcloud.ws.engine.memory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wildcloud.ws.push.Publication;
import io.wildcloud.ws.sockjs.session.EnqueueResult;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the memory engine keeps of a publish with a request id: enough to know a repeat, not the
 * message. An application may keep 100,000 answers for 5 minutes; with each message (up to
 * max-message-bytes, 64 KiB) held that was 6.5 GB of heap per application, within its publish
 * budget (64 MiB/s queues 100,000 messages of 64 KiB in about 100 s).
 */
class RequestRepliesTest {

    private static final Publication QUEUED = new Publication(
            List.of(new Publication.Delivery("s1", EnqueueResult.QUEUED, 1)));

    @Test
    void aRememberedAnswerDoesNotHoldItsMessage() throws InterruptedException {
        RequestReplies replies = new RequestReplies(System::nanoTime);
        String message = "m".repeat(64 * 1024);
        WeakReference<String> held = new WeakReference<>(message);
        replies.once("app", "socket", null, "request-1", message, true, () -> QUEUED);
        message = null;
        for (int i = 0; i < 50 && held.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(held.get() == null, "the remembered answer of a request id holds its 64 KiB message");
    }

    @Test
    void theSameMessageIsARepeatAndAnotherIsNot() {
        RequestReplies replies = new RequestReplies(System::nanoTime);
        replies.once("app", "socket", null, "request-1", "m".repeat(64 * 1024), true, () -> QUEUED);
        Publication again = replies.once("app", "socket", null, "request-1", "m".repeat(64 * 1024), true, () -> {
            fail("a repeat published again");
            return null;
        });
        assertTrue(again.repeat());
        Publication other = replies.once("app", "socket", null, "request-1", "n".repeat(64 * 1024), true, () -> QUEUED);
        assertFalse(other.repeat(), "another message with the same request id is a publish of its own");
    }
}

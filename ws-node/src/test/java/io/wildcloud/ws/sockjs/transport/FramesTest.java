package io.wildcloud.ws.sockjs.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void reusedBuilderGivesTheSameTextAsTheFrameValue() {
        List<QueuedMessage> messages = List.of(new QueuedMessage(1, "a\"\\\n"), new QueuedMessage(2, "\u2028\u00e9"));
        assertEquals(SockJsFrame.messages(List.of("a\"\\\n", "\u2028\u00e9")).text(),
                Frames.messagesText(messages).toString());
        assertEquals("a[\"x\"]", Frames.messagesText(List.of(new QueuedMessage(3, "x"))).toString(),
                "the builder starts afresh each time");
        assertEquals(2, Frames.lastSeq(messages));
    }

    @Test
    void hugeBatchesDoNotPinTheirBuilder() {
        String big = "y".repeat(100_000);
        assertEquals(100_000 + 5, Frames.messagesText(List.of(new QueuedMessage(1, big))).length());
        assertEquals("a[\"z\"]", Frames.messagesText(List.of(new QueuedMessage(2, "z"))).toString());
    }
}

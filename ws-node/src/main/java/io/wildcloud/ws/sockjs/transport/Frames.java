package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import java.util.ArrayList;
import java.util.List;

/** Frames from what the store hands a receiver. */
final class Frames {

    private Frames() {
    }

    /** One {@code a[...]} frame carrying {@code messages} in order (at least one). */
    static SockJsFrame messages(List<QueuedMessage> messages) {
        List<String> texts = new ArrayList<>(messages.size());
        for (QueuedMessage message : messages) {
            texts.add(message.message());
        }
        return SockJsFrame.messages(texts);
    }

    /** The seq of the last of {@code messages}. */
    static long lastSeq(List<QueuedMessage> messages) {
        return messages.get(messages.size() - 1).seq();
    }
}

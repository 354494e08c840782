package io.wildcloud.ws.sockjs.transport;

import io.netty.util.concurrent.FastThreadLocal;
import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.common.sockjs.SockJsJson;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import java.util.ArrayList;
import java.util.List;

/** Frames from what the store hands a receiver. */
final class Frames {

    // Builders above this size are dropped after use, so one huge message does not pin memory.
    private static final int MAX_KEPT_CAPACITY = 64 * 1024;
    private static final FastThreadLocal<StringBuilder> BUILDER = new FastThreadLocal<>() {
        @Override
        protected StringBuilder initialValue() {
            return new StringBuilder(512);
        }
    };

    /** What a second receiving connection of a session gets while the first is still open. */
    static final SockJsFrame ANOTHER_CONNECTION =
            SockJsFrame.close(CloseCodes.ANOTHER_CONNECTION_OPEN, CloseCodes.ANOTHER_CONNECTION_OPEN_REASON);

    private Frames() {
    }

    /** One {@code a[...]} frame carrying {@code messages} in order (at least one), as a value. */
    static SockJsFrame messages(List<QueuedMessage> messages) {
        List<String> texts = new ArrayList<>(messages.size());
        for (QueuedMessage message : messages) {
            texts.add(message.message());
        }
        return SockJsFrame.messages(texts);
    }

    /**
     * The wire text of the {@code a[...]} frame of {@code messages}, in this thread's reused
     * builder: the hot path of streams and websockets makes no String and no list per batch. Valid
     * only until the next call on the same thread, so encode it at once.
     */
    static CharSequence messagesText(List<QueuedMessage> messages) {
        StringBuilder text = BUILDER.get();
        if (text.capacity() > MAX_KEPT_CAPACITY) {
            text = new StringBuilder(512);
            BUILDER.set(text);
        }
        text.setLength(0);
        text.append("a[");
        for (int i = 0, n = messages.size(); i < n; i++) {
            if (i > 0) {
                text.append(',');
            }
            SockJsJson.appendQuoted(text, messages.get(i).message());
        }
        return text.append(']');
    }

    /** {@code messages} without those up to {@code seq} (repeats of what was written). */
    static List<QueuedMessage> after(long seq, List<QueuedMessage> messages) {
        int skip = 0;
        while (skip < messages.size() && messages.get(skip).seq() <= seq) {
            skip++;
        }
        return skip == 0 ? messages : messages.subList(skip, messages.size());
    }

    /** The seq of the last of {@code messages}. */
    static long lastSeq(List<QueuedMessage> messages) {
        return messages.get(messages.size() - 1).seq();
    }

    /** The characters of {@code messages}: a count with no scan (their UTF-8 is 1 to 3 bytes a character). */
    static long chars(List<QueuedMessage> messages) {
        long chars = 0;
        for (int i = 0; i < messages.size(); i++) {
            chars += messages.get(i).message().length();
        }
        return chars;
    }
}

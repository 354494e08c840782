package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.common.sockjs.Utf8;
import java.util.List;

/**
 * Messages to queue with their UTF-8 sizes, as the queue's byte bound counts them: sized once per
 * publish, not once per session it reaches nor again when a session trims them (a 60 KiB message
 * takes ~15 µs to size).
 */
record SizedMessages(List<String> messages, int[] bytes, long totalBytes) {

    static SizedMessages of(List<String> messages) {
        int[] bytes = new int[messages.size()];
        long total = 0;
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = Utf8.length(messages.get(i));
            total += bytes[i];
        }
        return new SizedMessages(messages, bytes, total);
    }
}

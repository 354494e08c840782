package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.sockjs.session.QueuedMessage;

/**
 * A queued message with its UTF-8 size ({@link SizedMessages}), which the queue's byte count takes
 * off when it is trimmed: kept in the message's own object, so queueing allocates nothing beside it.
 */
final class SizedQueuedMessage extends QueuedMessage {

    private final int bytes;

    SizedQueuedMessage(long seq, String message, int bytes) {
        super(seq, message);
        this.bytes = bytes;
    }

    int bytes() {
        return bytes;
    }
}

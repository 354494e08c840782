package io.wildcloud.ws.testing;

import io.wildcloud.ws.sockjs.session.ReceiverId;

/** A poll's receiver that writes nothing, whose request arrived at {@code askedAtNanos} ({@link System#nanoTime()}). */
public record PollAskedAt(ReceiverId id, long askedAtNanos) implements SilentReceiver {

    /** One whose request arrived at {@code millis} of this host's wall clock (past or to come). */
    public static PollAskedAt at(ReceiverId id, long millis) {
        return new PollAskedAt(id, System.nanoTime() + (millis - System.currentTimeMillis()) * 1_000_000);
    }
}

package io.wildcloud.ws.sockjs.session;

/**
 * One outgoing message in a session's queue. {@code seq} starts at 1 and grows by one per message
 * of the session, so a receiver can tell a gap (fetch what is missing) from a repeat (drop it).
 */
public record QueuedMessage(long seq, String message) {
}

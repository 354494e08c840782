package io.wildcloud.ws.push;

/**
 * A publish that may only repeat ({@link SocketStore#publish(String, String, String, String, boolean)}
 * with {@code newRequestId} false: its application has used up its request ids of the window) whose
 * request id is not remembered: nothing was published. The caller answers it as its application's
 * bound.
 */
public final class NewRequestIdRefusedException extends RuntimeException {

    public NewRequestIdRefusedException(String socketId) {
        super("socket " + socketId + ": the publish's request id is new and its application may remember no more"
                + " in this window", null, false, false);
    }
}

package io.wildcloud.ws.engine.redis;

/**
 * A process started under a node id that a live process runs under: the operator gave two
 * processes one id. Not retried: the start fails with this message.
 */
public final class NodeIdInUseException extends IllegalStateException {

    NodeIdInUseException(String message) {
        super(message);
    }
}

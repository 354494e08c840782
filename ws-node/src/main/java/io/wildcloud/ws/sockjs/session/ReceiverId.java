package io.wildcloud.ws.sockjs.session;

import java.util.Objects;

/**
 * Names one receiving connection (a held poll, a stream, a websocket) anywhere in the cluster: the
 * node that holds it and a number unique on that node. A store records it as the holder of a
 * session's receiver slot, and asks the node whether it still lives when another connection wants
 * the slot.
 */
public record ReceiverId(String nodeId, long connectionId) {

    public ReceiverId {
        Objects.requireNonNull(nodeId, "nodeId");
    }

    /** The form stores write: {@code nodeId:connectionId}. */
    public String encode() {
        return nodeId + ":" + connectionId;
    }

    public static ReceiverId decode(String encoded) {
        int colon = encoded.lastIndexOf(':');
        return new ReceiverId(encoded.substring(0, colon), Long.parseLong(encoded.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return encode();
    }
}

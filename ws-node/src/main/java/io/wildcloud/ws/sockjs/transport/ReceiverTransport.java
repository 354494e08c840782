package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.sockjs.session.QueuedMessage;
import java.util.List;

/**
 * What a transport supplies to the {@link SessionReceiver} state machine besides its
 * {@link SessionLifetime}: its framing, how frames reach the wire and how the connection ends. The state machine calls these on the channel's event loop, in the
 * states named; a transport never changes the state itself except through the machine's
 * {@code activate}, {@code releaseThen} and {@code done}.
 */
interface ReceiverTransport {

    /** OPENING, admitted: write what opens the session, then call {@code activate}. */
    void opened();

    /** OPENING, refused by the service (already closed in the store): write {@code refusal} and end. */
    void openRefused(SockJsFrame refusal);

    /** ACTIVE, an existing session: deliver {@code pending} (counted already), then {@code closeFrame} if not null. */
    void attached(List<QueuedMessage> pending, SockJsFrame closeFrame);

    /** DONE, no slot for this connection: write {@code frame} alone and end; null: no such session. */
    void refused(SockJsFrame frame);

    /** ACTIVE: write {@code messages} (counted, repeats dropped, the delivered seq moved to the last). */
    void messages(List<QueuedMessage> messages);

    /** ACTIVE: the session closed in the store; write {@code closeFrame} and end. */
    void closed(SockJsFrame closeFrame);

    /** ACTIVE: the heartbeat the machine's {@code scheduleHeartbeat} asked for is due. */
    void heartbeat();

    /** ACTIVE, the node drains: end so that the client goes on elsewhere. */
    void drained();

    /** DONE, the store took the slot: end without touching the session; {@code wasActive}: it had opened. */
    void evicted(boolean wasActive);

    /** DONE, the store failed: tell the client as this transport can. */
    void storeFailed();
}

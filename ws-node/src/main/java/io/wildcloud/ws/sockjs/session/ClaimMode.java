package io.wildcloud.ws.sockjs.session;

/** How a receiving transport uses the slot it claims. */
public enum ClaimMode {
    /**
     * One response, then done (xhr, jsonp). Pending messages are taken out of the queue and the
     * slot is released in the same atomic step, so the next poll, on whatever node, finds exactly
     * what is left. That release starts the disconnect delay again, with the delay the session's
     * last {@link SessionStore#release} gave (or the store's default if it was never released).
     */
    POLL,
    /**
     * A long-lived connection (xhr_streaming, eventsource, htmlfile, websocket). Messages stay in
     * the queue until {@link SessionStore#acknowledge} or {@link SessionStore#release} says they
     * were written, so a stream that ends early loses nothing.
     */
    STREAM
}

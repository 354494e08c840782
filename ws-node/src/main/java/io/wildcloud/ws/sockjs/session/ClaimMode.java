package io.wildcloud.ws.sockjs.session;

/** How a receiving transport uses the slot it claims. */
public enum ClaimMode {
    /**
     * One response, then done (xhr, jsonp). Pending messages stay queued, as for a stream, until
     * the poll has written its answer and {@link SessionStore#release released} what it wrote: a
     * poll whose node dies before its answer (and that a balancer resends to another node) loses
     * nothing; one that dies after the answer and before the release has its messages given again
     * by the claim that takes the slot over (at least once).
     */
    POLL,
    /**
     * A long-lived connection (xhr_streaming, eventsource, htmlfile, websocket). Messages stay in
     * the queue until {@link SessionStore#acknowledge} or {@link SessionStore#release} says they
     * were written, so a stream that ends early loses nothing.
     */
    STREAM
}

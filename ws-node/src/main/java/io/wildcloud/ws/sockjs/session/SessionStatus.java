package io.wildcloud.ws.sockjs.session;

/** Whether a session exists, as an incoming message (xhr_send, jsonp_send) needs to know. */
public enum SessionStatus {
    OPEN,
    CLOSED,
    NOT_FOUND
}

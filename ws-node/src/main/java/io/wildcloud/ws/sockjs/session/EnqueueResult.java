package io.wildcloud.ws.sockjs.session;

/** What became of messages offered to a session's queue. */
public enum EnqueueResult {
    /** Queued (and the receiver, if any, woken). */
    QUEUED,
    /** No such session (never opened, expired or deleted): nothing queued. */
    NOT_FOUND,
    /** The session is closed: nothing queued. */
    CLOSED,
    /**
     * The queue holds its maximum of pending messages: nothing of this batch was queued (a batch is
     * all or nothing), nothing already queued was dropped, and the session stays open.
     */
    QUEUE_FULL
}

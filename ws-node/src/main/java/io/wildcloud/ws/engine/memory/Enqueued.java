package io.wildcloud.ws.engine.memory;

import io.wildcloud.ws.sockjs.session.EnqueueResult;

/** What an enqueue did, and how many messages the session's queue holds after it. */
record Enqueued(EnqueueResult result, int queueLength) {
}

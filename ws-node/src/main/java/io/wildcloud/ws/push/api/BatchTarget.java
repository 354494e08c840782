package io.wildcloud.ws.push.api;

import io.wildcloud.ws.push.PublishTarget;

/**
 * One entry of a batch publish as the API read it: a target to publish to, or why it cannot be
 * (an error answered for this target alone, the rest of the batch going ahead).
 *
 * @param socketId the socket id as sent, or {@code null} when the entry had none
 * @param sessionId the session id as sent, or {@code null}
 * @param message the text to deliver, or {@code null} when {@code error} is set
 * @param error an {@link io.wildcloud.ws.common.api.ErrorCodes} code, or {@code null}
 * @param errorMessage what to fix, for errors of the request's own making; else {@code null}
 */
public record BatchTarget(String socketId, String sessionId, String message, String error, String errorMessage) {

    static BatchTarget valid(String socketId, String sessionId, String message) {
        return new BatchTarget(socketId, sessionId, message, null, null);
    }

    static BatchTarget refused(String socketId, String sessionId, String error, String errorMessage) {
        return new BatchTarget(socketId, sessionId, null, error, errorMessage);
    }

    boolean publishable() {
        return error == null;
    }

    PublishTarget target() {
        return new PublishTarget(socketId, sessionId, message);
    }
}

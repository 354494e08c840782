package io.wildcloud.ws.common.api;

import java.util.Objects;

/**
 * What the node POSTs to a socket's callback for each message a session sends:
 * {@code {"message": "...", "session": "<session_id>", "client": "<client_id>"}}. The request
 * carries the headers of {@link CallbackSignature}.
 */
public record CallbackPayload(String message, String session, String client) {

    public CallbackPayload {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(client, "client");
    }

    public String toJson() {
        return ApiJson.toJson(this);
    }

    /** Reads a callback body, as an application (or a test) receives it. */
    public static CallbackPayload fromJson(String json) {
        return ApiJson.GSON.fromJson(json, CallbackPayload.class);
    }
}

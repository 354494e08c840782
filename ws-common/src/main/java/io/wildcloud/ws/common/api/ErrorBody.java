package io.wildcloud.ws.common.api;

import java.util.Objects;

/**
 * Every error of the HTTP API: {@code {"error": "<code>", "message": "<what to do>"}}. {@code error}
 * is a stable machine-readable code (see {@link ErrorCodes}); {@code message} is for people.
 */
public record ErrorBody(String error, String message) {

    public ErrorBody {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }

    public String toJson() {
        return ApiJson.toJson(this);
    }
}

package io.wildcloud.ws.common.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Objects;

/**
 * The body of {@code POST /publish/<socket_id>[/<session_id>]}: {@code {"message": <JSON value>}}.
 * A JSON string reaches the browser as that string; any other value except {@code null} (number,
 * boolean, object, array) reaches it as its compact JSON text, e.g. {@code {"a":1}}, which the
 * browser can {@code JSON.parse}. {@code null} is refused (400). The node reads the body field by
 * field to report precise errors; this record is what applications and tests write.
 */
public record PublishRequest(JsonElement message) {

    public PublishRequest {
        Objects.requireNonNull(message, "message");
    }

    public static PublishRequest of(String message) {
        return new PublishRequest(new JsonPrimitive(message));
    }

    public String toJson() {
        JsonObject body = new JsonObject();
        body.add("message", message);
        return ApiJson.treeText(body);
    }

    /**
     * The text a session receives for {@code message}: a string as it is, any other value as its
     * compact JSON text.
     *
     * @throws IllegalArgumentException for JSON {@code null}
     */
    public static String deliveredText(JsonElement message) {
        if (message == null || message.isJsonNull()) {
            throw new IllegalArgumentException("message must not be null");
        }
        if (message.isJsonPrimitive() && message.getAsJsonPrimitive().isString()) {
            return message.getAsString();
        }
        return ApiJson.treeText(message);
    }
}

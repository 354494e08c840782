package io.wildcloud.ws.common.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/** Turns an error answer of the API into the {@link PushApiException} subclass its status names. */
final class ApiErrors {

    /** How much of a body that is not the API's error JSON an exception keeps. */
    private static final int EXCERPT = 300;

    private ApiErrors() {
    }

    static PushApiException of(int status, String body) {
        String error = null;
        String message = excerpt(body);
        JsonObject json = errorJson(body);
        if (json != null) {
            error = json.get("error").getAsString();
            message = json.get("message").getAsString();
        }
        return switch (status) {
            case 400 -> new BadRequestException(status, error, message);
            case 401, 403 -> new AccessDeniedException(status, error, message);
            case 404 -> new NotFoundException(status, error, message);
            case 413 -> new PayloadTooLargeException(status, error, message);
            case 429 -> new QueueFullException(status, error, message);
            case 503, 507 -> new UnavailableException(status, error, message);
            default -> new PushApiException(status, error, message);
        };
    }

    /** The body as {@code {"error": "...", "message": "..."}}, or {@code null} when it is something else. */
    private static JsonObject errorJson(String body) {
        try {
            JsonElement parsed = JsonParser.parseString(body);
            if (parsed.isJsonObject()) {
                JsonObject json = parsed.getAsJsonObject();
                if (isString(json.get("error")) && isString(json.get("message"))) {
                    return json;
                }
            }
        } catch (JsonParseException notJson) {
            // a proxy's page or an empty body: reported as is
        }
        return null;
    }

    private static boolean isString(JsonElement element) {
        return element != null && element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
    }

    static String excerpt(String body) {
        return body.length() <= EXCERPT ? body : body.substring(0, EXCERPT) + "...";
    }
}

package io.wildcloud.ws.common.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.wildcloud.ws.common.api.ErrorCodes;
import java.time.Duration;
import java.util.Optional;

/** Turns an error answer of the API into the {@link PushApiException} subclass its status names. */
final class ApiErrors {

    /** How much of a body that is not the API's error JSON an exception keeps. */
    private static final int EXCERPT = 300;

    private ApiErrors() {
    }

    static PushApiException of(int status, String body) {
        return of(status, body, Optional.empty());
    }

    /** As {@link #of(int, String)}, with the answer's {@code Retry-After} header if it had one. */
    static PushApiException of(int status, String body, Optional<String> retryAfter) {
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
            case 429 -> ErrorCodes.QUEUE_FULL.equals(error)
                    ? new QueueFullException(status, error, message)
                    : new TooManyRequestsException(status, error, message, seconds(retryAfter));
            case 503, 507 -> new UnavailableException(status, error, message);
            default -> new PushApiException(status, error, message);
        };
    }

    /** A {@code Retry-After} of delay-seconds; {@code null} for none or an HTTP date. */
    private static Duration seconds(Optional<String> retryAfter) {
        try {
            return retryAfter.map(value -> Duration.ofSeconds(Long.parseLong(value.trim()))).orElse(null);
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            return null;
        }
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

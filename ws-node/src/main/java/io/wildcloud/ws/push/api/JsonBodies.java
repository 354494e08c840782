package io.wildcloud.ws.push.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackRefusal;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Consumer;

/** Reads API request bodies strictly, turning every defect into the matching 400. */
final class JsonBodies {

    static final int MAX_CALLBACK_LENGTH = 2048;

    private JsonBodies() {
    }

    /** The body as a JSON object: strict JSON, one value, nothing after it. */
    static JsonObject object(String body) {
        JsonElement element;
        try (JsonReader reader = new JsonReader(new StringReader(body))) {
            reader.setStrictness(Strictness.STRICT);
            element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw malformed();
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw malformed();
        }
        if (!element.isJsonObject()) {
            throw malformed();
        }
        return element.getAsJsonObject();
    }

    /** A required field, any JSON value but absent. */
    static JsonElement field(JsonObject body, String name) {
        JsonElement value = body.get(name);
        if (value == null) {
            throw ApiException.badRequest(ErrorCodes.MISSING_FIELD, "The body needs the field \"" + name + "\".");
        }
        return value;
    }

    /** A required string field. */
    static String string(JsonObject body, String name) {
        JsonElement value = field(body, name);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD, "The field \"" + name + "\" must be a string.");
        }
        return value.getAsString();
    }

    /**
     * The {@code callback} field: an absolute http or https URL with a host, and not an address
     * {@code allowed} refuses (400 {@code callback_not_allowed}, saying why).
     */
    static URI callback(JsonObject body, CallbackAddresses allowed, Consumer<CallbackRefusal> refused) {
        String text = string(body, "callback");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalidCallback();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && uri.getRawUserInfo() == null) {
            // Before the host check: java.net.URI has no host for spellings such as 0x7f.1, which still reach 127.0.0.1.
            allowed.checkLiteral(uri).ifPresent(refusal -> {
                refused.accept(refusal);
                throw ApiException.badRequest(ErrorCodes.CALLBACK_NOT_ALLOWED, refusal.message(hostPort(uri)));
            });
        }
        if (text.length() > MAX_CALLBACK_LENGTH || !(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null || uri.getHost().isEmpty() || uri.getRawUserInfo() != null) {
            throw invalidCallback();
        }
        return uri;
    }

    private static String hostPort(URI uri) {
        return uri.getRawAuthority();
    }

    private static ApiException invalidCallback() {
        return ApiException.badRequest(ErrorCodes.INVALID_CALLBACK, "The field \"callback\" must be an absolute"
                + " http:// or https:// URL with a host and no user info, at most " + MAX_CALLBACK_LENGTH
                + " characters.");
    }

    static ApiException malformed() {
        return ApiException.badRequest(ErrorCodes.MALFORMED_JSON,
                "The body must be one JSON object, in UTF-8.");
    }
}

package io.wildcloud.ws.push.api;

import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
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
    private static final int MAX_PORT = 65_535;

    private JsonBodies() {
    }

    /** How deep arrays and objects may nest in a body, the body itself the first level (Gson's default). */
    static final int MAX_NESTING = 255;

    /** A path shown in an error is cut to this many characters (names in it are the client's). */
    private static final int MAX_SHOWN_PATH = 100;

    /** A number shown in an error is cut to this many characters. */
    private static final int MAX_SHOWN_NUMBER = 40;

    /** A strict reader of {@code body}, nesting at most {@link #MAX_NESTING} levels. */
    static JsonReader reader(String body) {
        JsonReader reader = new JsonReader(new StringReader(body));
        reader.setStrictness(Strictness.STRICT);
        reader.setNestingLimit(MAX_NESTING);
        return reader;
    }

    /**
     * A required string field of a body that must be one JSON object (strict JSON, nothing after
     * it), read in one pass: the other fields are checked as strictly and dropped without a tree
     * (a tenant's 390 KB array beside its callback was an 18 MB tree); a repeated key's last value
     * wins, as in a tree.
     */
    static String string(String body, String name) {
        JsonReader reader = reader(body); // nothing to close: it reads a String
        boolean present = false;
        String value = null;
        try {
            reader.beginObject();
            while (reader.hasNext()) {
                if (reader.nextName().equals(name)) {
                    present = true;
                    value = reader.peek() == JsonToken.STRING ? reader.nextString() : null;
                    if (value == null) {
                        BatchBodies.skip(reader);
                    }
                } else {
                    BatchBodies.skip(reader);
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw malformed();
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            // IllegalStateException: a token other than the one asked for (the body is no object).
            throw malformed(e, reader);
        }
        if (!present) {
            throw ApiException.badRequest(ErrorCodes.MISSING_FIELD, "The body needs the field \"" + name + "\".");
        }
        if (value == null) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD, "The field \"" + name + "\" must be a string.");
        }
        return value;
    }

    /**
     * The {@code callback} field of {@code body}: an absolute http or https URL with a host, and
     * not an address {@code allowed} refuses (400 {@code callback_not_allowed}, saying why).
     */
    static URI callback(String body, CallbackAddresses allowed, Consumer<CallbackRefusal> refused) {
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
        // java.net.URI takes any digits; such a callback failed every attempt for the retry budget.
        if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
            throw ApiException.badRequest(ErrorCodes.INVALID_CALLBACK, "The callback's port must be 1 to " + MAX_PORT
                    + " (it is " + uri.getPort() + "); leave it out for the scheme's own.");
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

    /**
     * The 400 for what {@code reader} refused: the general one, or, for the two faults a JSON
     * validator would not name, what is wrong. Gson tells them apart only by its message.
     */
    static ApiException malformed(Exception refused, JsonReader reader) {
        Throwable cause = refused;
        while (cause != null && !(cause instanceof MalformedJsonException)) {
            cause = cause.getCause();
        }
        String reason = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        if (reason.startsWith("Unpaired surrogate")) {
            return ApiException.badRequest(ErrorCodes.MALFORMED_JSON, "A string in the body holds a lone UTF-16"
                    + " surrogate escape (\\ud800 to \\udfff without its other half) at "
                    + shown(reader.getPath()) + "; escape both halves of a pair, as in \\ud83d\\ude00,"
                    + " or send the character itself in UTF-8.");
        }
        if (reason.startsWith("Nesting limit")) {
            return ApiException.badRequest(ErrorCodes.MALFORMED_JSON, "The body's JSON is nested deeper than "
                    + MAX_NESTING + " levels of arrays and objects; flatten it.");
        }
        return malformed();
    }

    private static String shown(String text) {
        return text.length() <= MAX_SHOWN_PATH ? text : text.substring(0, MAX_SHOWN_PATH) + "...";
    }

    /**
     * Whether a JSON number's text is beyond a double: a browser's {@code JSON.parse} reads it as
     * {@code Infinity}, which is not JSON. Only an exponent or over 308 characters can get there.
     */
    static boolean beyondDouble(String number) {
        return (number.length() > 308 || number.indexOf('e') >= 0 || number.indexOf('E') >= 0)
                && Double.isInfinite(Double.parseDouble(number));
    }

    /** The 400 message for a number beyond a double in {@code whose} message ("The field ..."). */
    static String beyondDoubleMessage(String whose, String number) {
        String shown = number.length() <= MAX_SHOWN_NUMBER ? number : number.substring(0, MAX_SHOWN_NUMBER) + "...";
        return whose + " holds the number " + shown + ", beyond the range of a double: a browser's JSON.parse"
                + " reads it as Infinity. Send it as a string, or within " + Double.MAX_VALUE + ".";
    }
}

package io.wildcloud.ws.push.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.ToNumberPolicy;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishRequest;
import io.wildcloud.ws.push.SocketIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the body of {@code POST /publish}, a batch: {@code {"targets":[...],"message":value}} (one
 * message for every target) or {@code {"messages":[...]}} (a message per target), and that of a
 * single publish ({@link #single}), in the same one pass. A request wrong
 * as a whole (not one of the two forms, no targets, more than the bound, the one message invalid
 * or too large) throws its 4xx; an entry wrong on its own becomes a {@link BatchTarget} with its
 * error, answered in its place while the others are published.
 *
 * <p>Read with Gson's streaming reader, not its tree: a batch of a hundred entries was a hundred
 * small trees (a map, its nodes and primitives each) read again field by field; two profiles of
 * issue 17's batches put the tree and its reading at 8% and 16% of the event loop's time.
 */
final class BatchBodies {

    private final int maxMessageBytes;
    private final int maxTargets;

    BatchBodies(int maxMessageBytes, int maxTargets) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxTargets = maxTargets;
    }

    /**
     * The batch's entries, in order, read from the body as it is parsed: no JSON tree, an entry
     * becomes its {@link BatchTarget} as soon as its object ends. Checks and answers are those of
     * a tree read (strict JSON first, then the request's own faults in a fixed order, a repeated
     * key's last value winning, as in Gson's tree); only the first {@code maxTargets} entries are
     * kept, the rest are counted (the body's bound bounds the parse).
     */
    List<BatchTarget> read(String body) {
        Body parsed = parse(body, true);
        boolean shared = parsed.targets != null;
        if (shared == (parsed.messages != null)) {
            throw ApiException.badRequest(shared ? ErrorCodes.INVALID_FIELD : ErrorCodes.MISSING_FIELD,
                    "The body needs either \"targets\" (with one \"message\" for all) or \"messages\""
                            + " (a message per target), not both.");
        }
        if (!shared && parsed.message != ABSENT) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD,
                    "With \"messages\", each entry carries its own \"message\"; remove the top-level one.");
        }
        String field = shared ? "targets" : "messages";
        Entries entries = shared ? parsed.targets : parsed.messages;
        if (!entries.isArray || entries.count == 0) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD,
                    "The field \"" + field + "\" must be a non-empty array.");
        }
        if (entries.count > maxTargets) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCodes.TOO_MANY_TARGETS,
                    "A batch may name at most " + maxTargets + " targets (the node's max-publish-targets); this one"
                            + " names " + entries.count + ". Split it.");
        }
        if (!shared) {
            return entries.kept;
        }
        String message = wholeRequestMessage(parsed.message);
        List<BatchTarget> targets = entries.kept;
        // With one message for all, a target named twice would queue the message twice, which no
        // application means and which let one request write its message into a session's queue as
        // many times as it named it (200 times: 125 MiB of Redis from a 71 KB request).
        Map<String, Integer> named = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            BatchTarget target = targets.get(i);
            if (!target.publishable()) {
                continue;
            }
            Integer earlier = named.putIfAbsent(target.sessionId() == null ? target.socketId()
                    : target.socketId() + '/' + target.sessionId(), i);
            targets.set(i, earlier == null ? BatchTarget.valid(target.socketId(), target.sessionId(), message)
                    : BatchTarget.refused(target.socketId(), target.sessionId(), ErrorCodes.DUPLICATE_TARGET,
                            "targets[" + earlier + "] names this target already, and with one message for all it"
                                    + " gets it once: name each target once."));
        }
        return targets;
    }

    /**
     * The message of a single publish's body, {@code {"message": value}}, as delivered (a string as
     * it is, other JSON as its compact text), read in the same one pass as a batch: other fields are
     * checked and dropped without a tree, and the message's tree stops at the message bound. Its
     * faults are the whole request's: malformed JSON, then a missing, too large, beyond-a-double or
     * null message.
     */
    String single(String body) {
        return wholeRequestMessage(parse(body, false).message);
    }

    /** The one message of a request ({@code targets} form or single publish) as read; its faults throw. */
    private String wholeRequestMessage(Object value) {
        if (value == ABSENT) {
            throw ApiException.badRequest(ErrorCodes.MISSING_FIELD, "The body needs the field \"message\".");
        }
        if (value == TOO_LARGE) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCodes.MESSAGE_TOO_LARGE,
                    tooLargeMessage());
        }
        if (value instanceof BeyondDouble beyond) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD,
                    JsonBodies.beyondDoubleMessage("The field \"message\"", beyond.number()));
        }
        return checked(deliveredOrThrow(value));
    }

    /**
     * A field not in its object. A field's value as read is otherwise a {@code String} for a JSON
     * string and a {@link JsonElement} for any other value (rare: read whole as its tree).
     */
    private static final Object ABSENT = new Object();
    /** A message whose JSON text is larger than the message bound (its tree not built). */
    private static final Object TOO_LARGE = new Object();
    /** A field that had to be a string and was another JSON value. */
    private static final Object NOT_STRING = new Object();

    /** A message holding a number a double cannot hold (the first such, as written). */
    private record BeyondDouble(String number) {
    }

    /** The top-level fields (the last of a repeated one); {@code null} entries for a field not there. */
    private static final class Body {
        Entries targets;
        Entries messages;
        Object message = ABSENT;
    }

    /** The value of {@code targets} or {@code messages}: an array's entries (counted all, kept up to the bound). */
    private static final class Entries {
        final boolean isArray;
        final List<BatchTarget> kept;
        int count;

        Entries(boolean isArray, int expected) {
            this.isArray = isArray;
            this.kept = isArray ? new ArrayList<>(expected) : List.of();
        }
    }

    /** @param batch whether {@code targets} and {@code messages} are read (a batch) or dropped (a single publish) */
    private Body parse(String body, boolean batch) {
        Body parsed = new Body();
        JsonReader reader = JsonBodies.reader(body); // nothing to close: it reads a String
        try {
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (name.equals("message")) {
                    parsed.message = value(reader);
                } else if (batch && name.equals("targets")) {
                    parsed.targets = entries(reader, false);
                } else if (batch && name.equals("messages")) {
                    parsed.messages = entries(reader, true);
                } else {
                    skip(reader);
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw JsonBodies.malformed();
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            // IllegalStateException: a token other than the one asked for (the body is no object).
            throw JsonBodies.malformed(e, reader);
        }
        return parsed;
    }

    /** @param ownMessages whether each entry carries its message ({@code messages}) or not ({@code targets}) */
    private Entries entries(JsonReader reader, boolean ownMessages) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_ARRAY) {
            skip(reader);
            return new Entries(false, 0);
        }
        Entries entries = new Entries(true, Math.min(maxTargets, 128));
        reader.beginArray();
        while (reader.hasNext()) {
            if (entries.count++ < maxTargets) {
                entries.kept.add(entry(reader, ownMessages));
            } else {
                skip(reader); // over the bound: the whole request gets 413, but only once it proved to be JSON
            }
        }
        reader.endArray();
        return entries;
    }

    /** One entry, checked in this order: its object, socket id, session id, message, then the ids' form. */
    private BatchTarget entry(JsonReader reader, boolean ownMessage) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            skip(reader);
            return BatchTarget.refused(null, null, ErrorCodes.INVALID_FIELD,
                    "Each target must be an object with \"socket_id\".");
        }
        Object socket = ABSENT;
        Object session = ABSENT;
        Object value = ABSENT;
        reader.beginObject();
        while (reader.hasNext()) {
            switch (reader.nextName()) {
                case "socket_id" -> socket = string(reader);
                case "session_id" -> session = nullOrString(reader);
                case "message" -> {
                    if (ownMessage) {
                        value = value(reader);
                    } else {
                        skip(reader);
                    }
                }
                default -> skip(reader);
            }
        }
        reader.endObject();
        if (socket == ABSENT) {
            return BatchTarget.refused(null, null, ErrorCodes.MISSING_FIELD, "The target needs \"socket_id\".");
        }
        if (socket == NOT_STRING) {
            return BatchTarget.refused(null, null, ErrorCodes.INVALID_FIELD,
                    "The target's \"socket_id\" must be a string.");
        }
        String socketId = (String) socket;
        if (session == NOT_STRING) {
            return BatchTarget.refused(socketId, null, ErrorCodes.INVALID_FIELD,
                    "The target's \"session_id\" must be a string.");
        }
        String sessionId = session == ABSENT ? null : (String) session;
        String message = null;
        if (ownMessage) {
            if (value == ABSENT) {
                return BatchTarget.refused(socketId, sessionId, ErrorCodes.MISSING_FIELD,
                        "The entry needs \"message\".");
            }
            if (value == TOO_LARGE) {
                return BatchTarget.refused(socketId, sessionId, ErrorCodes.MESSAGE_TOO_LARGE, tooLargeMessage());
            }
            if (value instanceof BeyondDouble beyond) {
                return BatchTarget.refused(socketId, sessionId, ErrorCodes.INVALID_FIELD,
                        JsonBodies.beyondDoubleMessage("The entry's \"message\"", beyond.number()));
            }
            message = delivered(value);
            if (message == null) {
                return BatchTarget.refused(socketId, sessionId, ErrorCodes.INVALID_FIELD,
                        "The entry's \"message\" must be a string or a JSON value other than null.");
            }
            if (tooLarge(message)) {
                return BatchTarget.refused(socketId, sessionId, ErrorCodes.MESSAGE_TOO_LARGE, tooLargeMessage());
            }
        }
        // As in the path of a single publish: a malformed id names no socket or session.
        if (!SocketIds.isWellFormed(socketId)) {
            return BatchTarget.refused(socketId, sessionId, ErrorCodes.SOCKET_NOT_FOUND, null);
        }
        if (sessionId != null && (sessionId.isEmpty() || sessionId.length() > ApiRoutes.MAX_ID_LENGTH)) {
            return BatchTarget.refused(socketId, sessionId, ErrorCodes.SESSION_NOT_FOUND, null);
        }
        return BatchTarget.valid(socketId, sessionId, message);
    }

    /**
     * A string as its {@code String}; any other value as its tree, or {@link #TOO_LARGE} once its
     * compact text is sure to pass the message bound (the rest is then only checked, not kept), or
     * {@link BeyondDouble} if it holds such a number.
     */
    private Object value(JsonReader reader) throws IOException {
        if (reader.peek() == JsonToken.STRING) {
            return reader.nextString();
        }
        Walk walk = new Walk(maxMessageBytes);
        JsonElement tree = walk.read(reader);
        if (walk.left < 0) {
            return TOO_LARGE;
        }
        // The walk saw such a number; a repeated key may have replaced it in the tree, as in a browser's JSON.parse.
        String beyond = walk.beyondDouble == null ? null : firstBeyondDouble(tree);
        return beyond != null ? new BeyondDouble(beyond) : tree;
    }

    /** The first number in {@code tree} a double cannot hold, as written, or {@code null}. */
    private static String firstBeyondDouble(JsonElement tree) {
        if (tree.isJsonPrimitive()) {
            JsonPrimitive primitive = tree.getAsJsonPrimitive();
            String text = primitive.getAsString();
            return primitive.isNumber() && JsonBodies.beyondDouble(text) ? text : null;
        }
        Iterable<JsonElement> children = tree.isJsonArray() ? tree.getAsJsonArray()
                : tree.isJsonObject() ? tree.getAsJsonObject().asMap().values() : List.of();
        for (JsonElement child : children) {
            String found = firstBeyondDouble(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Object string(JsonReader reader) throws IOException {
        if (reader.peek() == JsonToken.STRING) {
            return reader.nextString();
        }
        skip(reader);
        return NOT_STRING;
    }

    /** A JSON null is no session id (as if absent); a repeated key's null replaces an earlier id. */
    private static Object nullOrString(JsonReader reader) throws IOException {
        if (reader.peek() == JsonToken.NULL) {
            reader.nextNull();
            return ABSENT;
        }
        return string(reader);
    }

    /** Reads a value whole and drops it, checked as strictly as the rest, without its tree. Only for values not used. */
    static void skip(JsonReader reader) throws IOException {
        new Walk(-1).read(reader);
    }

    /**
     * Reads one value strictly, building its tree only while a lower bound of its compact text's
     * length stays within {@code left}: a tenant's 400 KB array of zeros was a tree of 200,000
     * nodes, ten times the time of reading it, on the event loop the public port shares.
     * {@code skipValue} is no substitute: it lets an unescaped control character in a string pass.
     * Recursion is bounded by the reader's nesting limit.
     */
    private static final class Walk {
        long left;
        /** The first number of the tree a double cannot hold, or {@code null}. */
        String beyondDouble;

        Walk(long left) {
            this.left = left;
        }

        /** The value's tree, or {@code null} once past the bound. */
        JsonElement read(JsonReader reader) throws IOException {
            switch (reader.peek()) {
                case BEGIN_ARRAY -> {
                    reader.beginArray();
                    JsonArray array = spend(2) ? new JsonArray() : null;
                    for (boolean first = true; reader.hasNext(); first = false) {
                        spend(first ? 0 : 1); // the comma
                        JsonElement element = read(reader);
                        if (left >= 0) {
                            array.add(element);
                        }
                    }
                    reader.endArray();
                    return left >= 0 ? array : null;
                }
                case BEGIN_OBJECT -> {
                    reader.beginObject();
                    JsonObject object = spend(2) ? new JsonObject() : null;
                    for (boolean first = true; reader.hasNext(); first = false) {
                        String name = reader.nextName(); // read, not skipped: checked strictly
                        spend(name.length() + (first ? 3 : 4)); // "name": and the comma
                        JsonElement value = read(reader);
                        if (left >= 0) {
                            object.add(name, value);
                        }
                    }
                    reader.endObject();
                    return left >= 0 ? object : null;
                }
                case STRING -> {
                    String text = reader.nextString();
                    return spend(text.length() + 2) ? new JsonPrimitive(text) : null;
                }
                case NUMBER -> {
                    if (left < 0) {
                        reader.skipValue(); // peek checked its form already
                        return null;
                    }
                    // Gson's own tree reader's number: its text kept as written, parsed only when asked.
                    Number number = ToNumberPolicy.LAZILY_PARSED_NUMBER.readNumber(reader);
                    String text = number.toString();
                    if (beyondDouble == null && JsonBodies.beyondDouble(text)) {
                        beyondDouble = text;
                    }
                    return spend(text.length()) ? new JsonPrimitive(number) : null;
                }
                case BOOLEAN -> {
                    boolean value = reader.nextBoolean();
                    return spend(value ? 4 : 5) ? new JsonPrimitive(value) : null;
                }
                case NULL -> {
                    reader.nextNull();
                    return spend(4) ? JsonNull.INSTANCE : null;
                }
                default -> throw new MalformedJsonException("a value expected at " + reader.getPath());
            }
        }

        /** Counts {@code chars} of the text; whether it is still within the bound. */
        private boolean spend(int chars) {
            if (left >= 0) {
                left -= chars;
            }
            return left >= 0;
        }
    }

    /** The text a value delivers (see {@link PublishRequest#deliveredText}), or {@code null} for JSON null. */
    private static String delivered(Object value) {
        if (value instanceof String text) {
            return text;
        }
        try {
            return PublishRequest.deliveredText((JsonElement) value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String deliveredOrThrow(Object value) {
        String text = delivered(value);
        if (text == null) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD,
                    "The field \"message\" must be a string or a JSON value other than null.");
        }
        return text;
    }

    /** {@code text}, unless it is over the message bound (then the whole request's 413). */
    String checked(String text) {
        if (tooLarge(text)) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCodes.MESSAGE_TOO_LARGE,
                    tooLargeMessage());
        }
        return text;
    }

    private boolean tooLarge(String text) {
        // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit; then counted without encoding.
        return text.length() > maxMessageBytes
                || (text.length() * 3L > maxMessageBytes && ByteBufUtil.utf8Bytes(text) > maxMessageBytes);
    }

    private String tooLargeMessage() {
        return "The message is larger than " + maxMessageBytes + " bytes (UTF-8); split it.";
    }
}

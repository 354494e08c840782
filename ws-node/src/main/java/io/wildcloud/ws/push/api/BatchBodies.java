package io.wildcloud.ws.push.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishRequest;
import io.wildcloud.ws.push.SocketIds;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code POST /publish}, a batch: {@code {"targets":[...],"message":value}} (one
 * message for every target) or {@code {"messages":[...]}} (a message per target). A request wrong
 * as a whole (not one of the two forms, no targets, more than the bound, the one message invalid
 * or too large) throws its 4xx; an entry wrong on its own becomes a {@link BatchTarget} with its
 * error, answered in its place while the others are published.
 */
final class BatchBodies {

    private final int maxMessageBytes;
    private final int maxTargets;

    BatchBodies(int maxMessageBytes, int maxTargets) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxTargets = maxTargets;
    }

    /** The batch's entries, in order. */
    List<BatchTarget> read(JsonObject body) {
        boolean shared = body.has("targets");
        if (shared == body.has("messages")) {
            throw ApiException.badRequest(shared ? ErrorCodes.INVALID_FIELD : ErrorCodes.MISSING_FIELD,
                    "The body needs either \"targets\" (with one \"message\" for all) or \"messages\""
                            + " (a message per target), not both.");
        }
        if (!shared && body.has("message")) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD,
                    "With \"messages\", each entry carries its own \"message\"; remove the top-level one.");
        }
        String field = shared ? "targets" : "messages";
        JsonElement list = body.get(field);
        if (!list.isJsonArray() || list.getAsJsonArray().isEmpty()) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD,
                    "The field \"" + field + "\" must be a non-empty array.");
        }
        JsonArray entries = list.getAsJsonArray();
        if (entries.size() > maxTargets) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCodes.TOO_MANY_TARGETS,
                    "A batch may name at most " + maxTargets + " targets (the node's max-publish-targets); this one"
                            + " names " + entries.size() + ". Split it.");
        }
        String message = shared ? message(body) : null;
        List<BatchTarget> targets = new ArrayList<>(entries.size());
        for (JsonElement entry : entries) {
            targets.add(entry(entry, message));
        }
        return targets;
    }

    /**
     * The {@code message} field of {@code body}, as delivered (a string as it is, other JSON as its
     * text): the one message of the {@code targets} form, or of a single publish. Its faults are
     * the whole request's.
     */
    String message(JsonObject body) {
        String text;
        try {
            text = PublishRequest.deliveredText(JsonBodies.field(body, "message"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(ErrorCodes.INVALID_FIELD,
                    "The field \"message\" must be a string or a JSON value other than null.");
        }
        return checked(text);
    }

    /** {@code text}, unless it is over the message bound (then the whole request's 413). */
    String checked(String text) {
        if (tooLarge(text)) {
            throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, ErrorCodes.MESSAGE_TOO_LARGE,
                    tooLargeMessage());
        }
        return text;
    }

    /** @param shared the batch's one message, or {@code null} when each entry has its own */
    private BatchTarget entry(JsonElement entry, String shared) {
        if (!entry.isJsonObject()) {
            return BatchTarget.refused(null, null, ErrorCodes.INVALID_FIELD,
                    "Each target must be an object with \"socket_id\".");
        }
        JsonObject object = entry.getAsJsonObject();
        JsonElement socket = object.get("socket_id");
        if (socket == null) {
            return BatchTarget.refused(null, null, ErrorCodes.MISSING_FIELD, "The target needs \"socket_id\".");
        }
        if (!isString(socket)) {
            return BatchTarget.refused(null, null, ErrorCodes.INVALID_FIELD,
                    "The target's \"socket_id\" must be a string.");
        }
        String socketId = socket.getAsString();
        JsonElement session = object.get("session_id");
        String sessionId = null;
        if (session != null && !session.isJsonNull()) {
            if (!isString(session)) {
                return BatchTarget.refused(socketId, null, ErrorCodes.INVALID_FIELD,
                        "The target's \"session_id\" must be a string.");
            }
            sessionId = session.getAsString();
        }
        String message = shared;
        if (message == null) {
            JsonElement value = object.get("message");
            if (value == null) {
                return BatchTarget.refused(socketId, sessionId, ErrorCodes.MISSING_FIELD,
                        "The entry needs \"message\".");
            }
            try {
                message = PublishRequest.deliveredText(value);
            } catch (IllegalArgumentException e) {
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

    private boolean tooLarge(String text) {
        // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit; then counted without encoding.
        return text.length() > maxMessageBytes
                || (text.length() * 3L > maxMessageBytes && ByteBufUtil.utf8Bytes(text) > maxMessageBytes);
    }

    private String tooLargeMessage() {
        return "The message is larger than " + maxMessageBytes + " bytes (UTF-8); split it.";
    }

    private static boolean isString(JsonElement element) {
        return element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
    }
}

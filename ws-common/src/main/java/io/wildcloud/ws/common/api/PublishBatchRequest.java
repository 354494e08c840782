package io.wildcloud.ws.common.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The body of {@code POST /publish}, a batch, in one of its two forms: one message for many
 * targets ({@link #toAll}: {@code {"targets":[{"socket_id","session_id"?}...],"message":value}}),
 * or a message per target ({@link #each}:
 * {@code {"messages":[{"socket_id","session_id"?,"message":value}...]}}). A target without a
 * session id is every session of its socket. What applications and tests write; the node reads
 * the body field by field.
 */
public final class PublishBatchRequest {

    private final JsonObject body;

    private PublishBatchRequest(JsonObject body) {
        this.body = body;
    }

    /** A socket, or one of its sessions when {@code sessionId} is not {@code null}. */
    public record Target(String socketId, String sessionId) {

        public Target {
            Objects.requireNonNull(socketId, "socketId");
        }

        /** Every session of the socket. */
        public static Target socket(String socketId) {
            return new Target(socketId, null);
        }

        JsonObject toJson() {
            JsonObject target = new JsonObject();
            target.addProperty("socket_id", socketId);
            if (sessionId != null) {
                target.addProperty("session_id", sessionId);
            }
            return target;
        }
    }

    /** One target and its own message. */
    public record Entry(Target target, JsonElement message) {

        public Entry {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(message, "message");
        }
    }

    /** {@code message} for every one of {@code targets}. */
    public static PublishBatchRequest toAll(List<Target> targets, JsonElement message) {
        JsonArray array = new JsonArray(targets.size());
        targets.forEach(target -> array.add(target.toJson()));
        JsonObject body = new JsonObject();
        body.add("targets", array);
        body.add("message", Objects.requireNonNull(message, "message"));
        return new PublishBatchRequest(body);
    }

    /** Each entry's message for its target. */
    public static PublishBatchRequest each(List<Entry> entries) {
        JsonArray array = new JsonArray(entries.size());
        for (Entry entry : entries) {
            JsonObject item = entry.target().toJson();
            item.add("message", entry.message());
            array.add(item);
        }
        JsonObject body = new JsonObject();
        body.add("messages", array);
        return new PublishBatchRequest(body);
    }

    public String toJson() {
        return ApiJson.treeText(body);
    }
}

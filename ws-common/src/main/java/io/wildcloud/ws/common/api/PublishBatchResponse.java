package io.wildcloud.ws.common.api;

import com.google.gson.annotations.SerializedName;
import java.util.List;

/**
 * The answer to {@code POST /publish} (a batch): what became of each target, in the request's
 * order, and the totals. Status 200 whenever the batch was processed; a target the node could
 * not publish to carries an {@code error} instead of counts.
 *
 * @param sessions sessions that took a message, over all targets
 * @param queueFull sessions that refused one because their queue was full, over all targets
 *     (those of targets answered {@code queue_full} included)
 * @param failed targets answered with an {@code error}
 * @param results one per target, in the request's order
 */
public record PublishBatchResponse(
        @SerializedName("sessions") int sessions,
        @SerializedName("queue_full") int queueFull,
        @SerializedName("failed") int failed,
        @SerializedName("results") List<TargetResult> results) {

    public PublishBatchResponse {
        results = List.copyOf(results);
    }

    /** Totals computed from {@code results}. */
    public static PublishBatchResponse of(List<TargetResult> results) {
        int sessions = 0;
        int queueFull = 0;
        int failed = 0;
        for (TargetResult result : results) {
            if (result.error() == null) {
                sessions += result.sessions();
                queueFull += result.queueFull();
            } else {
                failed++;
                if (ErrorCodes.QUEUE_FULL.equals(result.error())) {
                    queueFull++;
                }
            }
        }
        return new PublishBatchResponse(sessions, queueFull, failed, results);
    }

    /**
     * What became of one target: {@code sessions} and {@code queueFull} when it was published
     * (as the answer of a single publish), else {@code error} (an {@link ErrorCodes} code) and,
     * for a target the request got wrong, a {@code message} saying what to fix.
     *
     * @param socketId the target's socket id as sent ({@code null} if it sent none)
     * @param sessionId the target's session id, {@code null} for every session of the socket
     */
    public record TargetResult(
            @SerializedName("socket_id") String socketId,
            @SerializedName("session_id") String sessionId,
            @SerializedName("sessions") Integer sessions,
            @SerializedName("queue_full") Integer queueFull,
            @SerializedName("error") String error,
            @SerializedName("message") String message) {

        public static TargetResult published(String socketId, String sessionId, int sessions, int queueFull) {
            return new TargetResult(socketId, sessionId, sessions, queueFull, null, null);
        }

        public static TargetResult failed(String socketId, String sessionId, String error, String message) {
            return new TargetResult(socketId, sessionId, null, null, error, message);
        }

        /** Whether the target was published to (possibly to no session, or only to full queues). */
        public boolean ok() {
            return error == null;
        }

        void appendTo(StringBuilder json) {
            json.append('{');
            boolean comma = false;
            if (socketId != null) {
                json.append("\"socket_id\":");
                string(json, socketId);
                comma = true;
            }
            if (sessionId != null) {
                json.append(comma ? ",\"session_id\":" : "\"session_id\":");
                string(json, sessionId);
                comma = true;
            }
            if (error == null) {
                json.append(comma ? ",\"sessions\":" : "\"sessions\":").append(sessions)
                        .append(",\"queue_full\":").append(queueFull);
            } else {
                json.append(comma ? ",\"error\":" : "\"error\":");
                string(json, error);
                if (message != null) {
                    json.append(",\"message\":");
                    string(json, message);
                }
            }
            json.append('}');
        }
    }

    /** The JSON body, as {@link ApiJson} would write it, without reflection: the batch's hot path. */
    public String toJson() {
        StringBuilder json = new StringBuilder(64 + results.size() * 72);
        json.append("{\"sessions\":").append(sessions).append(",\"queue_full\":").append(queueFull)
                .append(",\"failed\":").append(failed).append(",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            results.get(i).appendTo(json);
        }
        return json.append("]}").toString();
    }

    /** A JSON string: as is when nothing needs escaping (socket ids never do), else through Gson. */
    private static void string(StringBuilder json, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                json.append(ApiJson.toJson(value));
                return;
            }
        }
        json.append('"').append(value).append('"');
    }
}

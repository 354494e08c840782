package io.wildcloud.ws.common.api;

import com.google.gson.annotations.SerializedName;

/**
 * The answer to {@code POST /publish/<socket_id>[/<session_id>]}.
 *
 * @param sessions how many open sessions the message was handed to (queued for delivery)
 * @param queueFull how many open sessions refused it because their queue of pending messages was
 *     full (a client that does not read); they did not get the message
 */
public record PublishResponse(
        @SerializedName("sessions") int sessions,
        @SerializedName("queue_full") int queueFull) {

    /** The JSON body, as {@link ApiJson} would write it, without reflection: one per publish. */
    public String toJson() {
        return "{\"sessions\":" + sessions + ",\"queue_full\":" + queueFull + "}";
    }
}

package io.wildcloud.ws.common.api;

import com.google.gson.annotations.SerializedName;
import java.util.Objects;

/**
 * The answer to {@code DELETE /authorize/<application_id>/<client_id>}: the socket that was revoked
 * and how many open sessions were sent the revocation close frame.
 */
public record RevokeResponse(
        @SerializedName("socket_id") String socketId,
        @SerializedName("sessions_closed") int sessionsClosed) {

    public RevokeResponse {
        Objects.requireNonNull(socketId, "socketId");
    }
}

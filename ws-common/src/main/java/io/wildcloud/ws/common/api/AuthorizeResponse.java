package io.wildcloud.ws.common.api;

import com.google.gson.annotations.SerializedName;
import java.util.Objects;

/**
 * The answer to {@code POST /authorize/<application_id>/<client_id>}: {@code {"socket_id": "..."}}.
 * The browser connects to {@code new SockJS("http://host:8080/" + socket_id)}.
 */
public record AuthorizeResponse(@SerializedName("socket_id") String socketId) {

    public AuthorizeResponse {
        Objects.requireNonNull(socketId, "socketId");
    }
}

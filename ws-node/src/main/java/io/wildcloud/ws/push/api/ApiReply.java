package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.ApiJson;
import java.util.Objects;

/** What the API answers to one request: a status, a JSON body and, for a 405, an {@code Allow}. */
public record ApiReply(HttpResponseStatus status, String json, String allow) {

    public ApiReply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(json, "json");
    }

    public static ApiReply ok(Object body) {
        return new ApiReply(HttpResponseStatus.OK, ApiJson.toJson(body), null);
    }

    public static ApiReply of(ApiException error) {
        return new ApiReply(error.status(), error.body().toJson(), error.allow());
    }
}

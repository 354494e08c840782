package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.api.PublishResponse;
import java.util.Objects;

/**
 * What the API answers to one request: a status, a JSON body and, for a 405, an {@code Allow},
 * for a 401, a {@code WWW-Authenticate}.
 */
public record ApiReply(HttpResponseStatus status, String json, String allow, String wwwAuthenticate,
        String retryAfter) {

    public ApiReply {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(json, "json");
    }

    public ApiReply(HttpResponseStatus status, String json, String allow) {
        this(status, json, allow, null, null);
    }

    public ApiReply(HttpResponseStatus status, String json, String allow, String wwwAuthenticate) {
        this(status, json, allow, wwwAuthenticate, null);
    }

    /** A 429 that may be tried again in {@code seconds}. */
    public static ApiReply tooManyRequests(String json, long seconds) {
        return new ApiReply(HttpResponseStatus.TOO_MANY_REQUESTS, json, null, null, Long.toString(Math.max(1, seconds)));
    }

    public static ApiReply ok(Object body) {
        return new ApiReply(HttpResponseStatus.OK, ApiJson.toJson(body), null);
    }

    /** The answers of publishes that reached up to {@code PUBLISHED.length - 1} sessions, made once. */
    private static final ApiReply[][] PUBLISHED = new ApiReply[8][8];

    static {
        for (int sessions = 0; sessions < PUBLISHED.length; sessions++) {
            for (int queueFull = 0; queueFull < PUBLISHED[sessions].length; queueFull++) {
                PUBLISHED[sessions][queueFull] = new ApiReply(HttpResponseStatus.OK,
                        new PublishResponse(sessions, queueFull).toJson(), null);
            }
        }
    }

    /**
     * The answer to every publish: written by hand, it is the API's hot path; the common ones (a
     * socket's few sessions) are shared, immutable, instead of a new JSON string per publish.
     */
    public static ApiReply ok(PublishResponse body) {
        if (body.sessions() >= 0 && body.sessions() < PUBLISHED.length
                && body.queueFull() >= 0 && body.queueFull() < PUBLISHED[body.sessions()].length) {
            return PUBLISHED[body.sessions()][body.queueFull()];
        }
        return new ApiReply(HttpResponseStatus.OK, body.toJson(), null);
    }

    /** The answer to a batch publish, written by hand as well. */
    public static ApiReply ok(PublishBatchResponse body) {
        return new ApiReply(HttpResponseStatus.OK, body.toJson(), null);
    }

    public static ApiReply of(ApiException error) {
        return new ApiReply(error.status(), error.body().toJson(), error.allow(), error.authenticate());
    }
}

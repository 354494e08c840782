package io.wildcloud.ws.common.api;

/**
 * The {@code error} codes of {@link ErrorBody}, with the HTTP status each comes with: every code
 * the API port answers, the connection guard's included (those end the connection with
 * {@code Connection: close}). docs/openapi.yaml's {@code ErrorCode} lists the same.
 */
public final class ErrorCodes {

    /** 400: the body is not JSON, or not a JSON object. */
    public static final String MALFORMED_JSON = "malformed_json";
    /** 400: a required field is absent. */
    public static final String MISSING_FIELD = "missing_field";
    /** 400: a field has the wrong JSON type or an unusable value (e.g. a {@code null} message). */
    public static final String INVALID_FIELD = "invalid_field";
    /** 400: {@code callback} is not an absolute http(s) URL with a host. */
    public static final String INVALID_CALLBACK = "invalid_callback";
    /** 400: the {@code Idempotency-Key} or {@code X-Request-Id} header is empty, too long or not visible ASCII. */
    public static final String INVALID_REQUEST_ID = "invalid_request_id";
    /** 400: a client or session id in the path is empty, too long or badly encoded. */
    public static final String INVALID_ID = "invalid_id";
    /** 400: the callback's address is not allowed (loopback, private, ..., or the node's own port). */
    public static final String CALLBACK_NOT_ALLOWED = "callback_not_allowed";
    /**
     * 400 (connection guard): the request is not valid HTTP/1.1, or its path has a malformed
     * percent-escape ({@code /%ZZ}); answered before any route, so before {@link #INVALID_ID}.
     */
    public static final String BAD_REQUEST = "bad_request";
    /** 401: the call needs {@code Authorization: Bearer <application secret>}, or the header is not one. */
    public static final String UNAUTHORIZED = "unauthorized";
    /** 403: the bearer secret is another application's than the socket's or the URL's. */
    public static final String WRONG_APPLICATION = "wrong_application";
    /** 403: no application has this id; nothing was created. */
    public static final String UNKNOWN_APPLICATION = "unknown_application";
    /** 404: no route has this path. */
    public static final String NOT_FOUND = "not_found";
    /** 404: no live socket has this id (never authorized, revoked or expired). */
    public static final String SOCKET_NOT_FOUND = "socket_not_found";
    /** 404: the socket has no open session with this id. */
    public static final String SESSION_NOT_FOUND = "session_not_found";
    /** 405: the path exists but not with this method; {@code Allow} lists the methods. */
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    /**
     * 408 (connection guard): the request head did not arrive within {@code request-head-timeout},
     * or its body within {@code body-timeout} or at {@code body-progress-bytes} per {@code body-progress-interval}.
     */
    public static final String REQUEST_TIMEOUT = "request_timeout";
    /**
     * 413: the request body is larger than the API accepts (from the connection guard when the
     * declared length is, with {@code Connection: close}).
     */
    public static final String BODY_TOO_LARGE = "body_too_large";
    /** 413: the message is larger than a session accepts. */
    public static final String MESSAGE_TOO_LARGE = "message_too_large";
    /** 414 (connection guard): the request line is longer than the HTTP decoder takes. */
    public static final String URI_TOO_LONG = "uri_too_long";
    /** 413: a batch publish names more targets than the node's {@code max-publish-targets}. */
    public static final String TOO_MANY_TARGETS = "too_many_targets";
    /**
     * 413: a publish could queue more bytes (its message's UTF-8 bytes times every session it
     * addresses, {@code sessions-per-socket} for a socket) than an application may queue at once
     * ({@code application-publish-byte-burst}); nothing was published.
     */
    public static final String FAN_OUT_TOO_LARGE = "fan_out_too_large";
    /**
     * 429: the application's publishes queued more bytes on this node than its budget allows
     * ({@code max-application-publish-bytes-per-second}, {@code application-publish-byte-burst});
     * nothing was published. {@code Retry-After} says when it may publish again.
     */
    public static final String TOO_MANY_PUBLISH_BYTES = "too_many_publish_bytes";
    /**
     * 429: an authorize would create a socket over its application's new-socket quota
     * ({@code max-new-sockets-per-application} per {@code socket-idle-timeout}); nothing was created.
     */
    public static final String TOO_MANY_SOCKETS = "too_many_sockets";
    /**
     * 429 (or a batch target's result): a publish carrying a request id would make the service
     * remember more of its application's request ids than {@code max-request-ids-per-application}
     * per 5-minute window; nothing was published. A repeat of a request id already remembered is
     * still answered. {@code Retry-After} says when the next window starts.
     */
    public static final String TOO_MANY_REQUEST_IDS = "too_many_request_ids";
    /**
     * A batch target's result (the batch is answered 200): with one message for all, an earlier
     * target of the batch names the same socket (or the same session); not published again.
     */
    public static final String DUPLICATE_TARGET = "duplicate_target";
    /** 429: the session's queue of pending messages is full (its client does not read). */
    public static final String QUEUE_FULL = "queue_full";
    /**
     * 429 (connection guard): behind a balancer in {@code trusted-proxies}, the client its
     * {@code X-Forwarded-For} names has {@code max-connections-per-address} requests in progress.
     */
    public static final String TOO_MANY_CONNECTIONS = "too_many_connections";
    /** 431 (connection guard): the request headers are larger than the HTTP decoder takes. */
    public static final String HEADERS_TOO_LARGE = "headers_too_large";
    /** 500: a bug; the node logged it. */
    public static final String INTERNAL_ERROR = "internal_error";
    /** 503: the session/socket store cannot be reached; retry later. */
    public static final String STORE_UNAVAILABLE = "store_unavailable";
    /**
     * 503: the store did not answer a publish in time: it may have been delivered. A retry with
     * the same request id ({@code Idempotency-Key} or {@code X-Request-Id}) delivers it at most once.
     */
    public static final String STORE_TIMEOUT = "store_timeout";
    /** 503 (connection guard): the port's share of {@code max-request-memory} is spent; retry shortly. */
    public static final String BUSY = "busy";
    /** 507: the store is out of memory and refused the write; nothing was queued. */
    public static final String STORE_FULL = "store_full";

    private ErrorCodes() {
    }
}

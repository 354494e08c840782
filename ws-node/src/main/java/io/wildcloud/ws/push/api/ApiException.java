package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.ErrorBody;
import io.wildcloud.ws.common.api.ErrorCodes;
import java.util.Objects;

/**
 * An API request that fails in a way the client can act on: the status, the stable {@code error}
 * code and the message of its {@link ErrorBody}. Carries no stack trace: it is an answer, not a bug.
 */
public final class ApiException extends RuntimeException {

    private final HttpResponseStatus status;
    private final String code;
    private final String allow;
    private final String authenticate;

    public ApiException(HttpResponseStatus status, String code, String message) {
        this(status, code, message, null, null);
    }

    private ApiException(HttpResponseStatus status, String code, String message, String allow, String authenticate) {
        super(message, null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.code = Objects.requireNonNull(code, "code");
        this.allow = allow;
        this.authenticate = authenticate;
    }

    /** 401 with {@code WWW-Authenticate: Bearer}. */
    public static ApiException unauthorized(String code, String message) {
        return new ApiException(HttpResponseStatus.UNAUTHORIZED, code, message, null, "Bearer");
    }

    /** 405 with the {@code Allow} header listing {@code allowed}. */
    public static ApiException methodNotAllowed(String allowed) {
        return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, ErrorCodes.METHOD_NOT_ALLOWED,
                "Use " + allowed + " on this path.", allowed, null);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, code, message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, code, message);
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The {@code Allow} header value of a 405, else {@code null}. */
    public String allow() {
        return allow;
    }

    /** The {@code WWW-Authenticate} header value of a 401, else {@code null}. */
    public String authenticate() {
        return authenticate;
    }

    public ErrorBody body() {
        return new ErrorBody(code, getMessage());
    }
}

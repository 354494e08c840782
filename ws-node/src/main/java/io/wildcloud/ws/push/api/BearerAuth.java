package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.push.Application;
import io.wildcloud.ws.push.ApplicationRegistry;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code Authorization: Bearer <application secret>} on API calls. The secret is looked up in
 * constant time ({@link ApplicationRegistry#bySecret}). A header that is present is always
 * checked; {@code api-require-auth} makes it mandatory where {@link #caller} is asked with
 * {@code mandatory}.
 */
final class BearerAuth {

    private static final String SCHEME = "bearer ";

    private final ApplicationRegistry applications;
    private final boolean required;

    BearerAuth(ApplicationRegistry applications, boolean required) {
        this.applications = applications;
        this.required = required;
    }

    /**
     * The application the header authenticates, or empty when there is no header and none is
     * required. Throws 401 (with {@code WWW-Authenticate: Bearer}) when a required header is
     * missing or a header is not a bearer token, 403 when the secret is no application's.
     *
     * @param mandatoryHere whether this call needs the header when {@code api-require-auth} is on
     */
    Optional<Application> caller(String header, boolean mandatoryHere) {
        if (header == null || header.isBlank()) {
            if (required && mandatoryHere) {
                throw ApiException.unauthorized(ErrorCodes.UNAUTHORIZED, "This call needs the header"
                        + " Authorization: Bearer <application secret> (the node's setting api-require-auth is on).");
            }
            return Optional.empty();
        }
        String value = header.trim();
        if (value.length() <= SCHEME.length() || !value.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT)
                .equals(SCHEME)) {
            throw ApiException.unauthorized(ErrorCodes.UNAUTHORIZED,
                    "The Authorization header must be Bearer <application secret>.");
        }
        return Optional.of(applications.bySecret(value.substring(SCHEME.length()).trim())
                .orElseThrow(BearerAuth::unknownApplication));
    }

    /** The caller, when one authenticated, must be {@code owner}: else 403. */
    static void requireSame(Optional<Application> caller, String owner) {
        if (caller.isPresent() && !caller.get().name().equals(owner)) {
            throw wrongApplication();
        }
    }

    static ApiException wrongApplication() {
        return new ApiException(HttpResponseStatus.FORBIDDEN, ErrorCodes.WRONG_APPLICATION,
                "The Authorization header names another application than the one this socket or URL belongs to;"
                        + " use that application's secret.");
    }

    private static ApiException unknownApplication() {
        return new ApiException(HttpResponseStatus.FORBIDDEN, ErrorCodes.UNKNOWN_APPLICATION,
                "No application has the secret in the Authorization header; check the secret you were given.");
    }
}

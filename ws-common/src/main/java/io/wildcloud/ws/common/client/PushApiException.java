package io.wildcloud.ws.common.client;

import java.io.IOException;

/**
 * The push service answered an API call with an error: its HTTP status and the
 * {@code {"error": "<code>", "message": "<what to do>"}} body it sent. The subclasses name the
 * answers an application handles differently; any other status (405, 500, ...) comes as this class.
 *
 * <p>A network failure (connection refused, timeout) is a plain {@link IOException}, never this.
 */
public class PushApiException extends IOException {

    private final int status;
    private final String error;
    private final String apiMessage;

    /**
     * @param error the body's {@code error} code, {@code null} when the body was not the API's error JSON
     * @param apiMessage the body's {@code message}, or the raw body when it was not the API's error JSON
     */
    public PushApiException(int status, String error, String apiMessage) {
        super("HTTP " + status + (error != null ? " " + error : "") + ": " + apiMessage);
        this.status = status;
        this.error = error;
        this.apiMessage = apiMessage;
    }

    /** The HTTP status, e.g. 404. */
    public int status() {
        return status;
    }

    /**
     * The stable machine-readable code of the body, e.g. {@code socket_not_found} (see
     * {@link io.wildcloud.ws.common.api.ErrorCodes}); {@code null} when the body was not the API's
     * error JSON (a proxy's error page, say).
     */
    public String error() {
        return error;
    }

    /** The body's {@code message}, for people; the raw body when it was not the API's error JSON. */
    public String apiMessage() {
        return apiMessage;
    }
}

package io.wildcloud.ws.common.api;

import java.util.Objects;

/**
 * The body of {@code POST /authorize/<application_id>/<client_id>}: {@code {"callback": "<url>"}},
 * where the client's messages are POSTed (see {@link CallbackPayload}). The node reads it field by
 * field to report precise errors; this record is what applications and tests write.
 */
public record AuthorizeRequest(String callback) {

    public AuthorizeRequest {
        Objects.requireNonNull(callback, "callback");
    }
}

package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpHeaders;
import io.wildcloud.ws.common.api.ErrorCodes;

/**
 * The request id an application may send with a publish, in {@code Idempotency-Key} or (as many
 * proxies and tracing set it) {@code X-Request-Id}: the store applies a publish with an id at most
 * once per socket, session, id and message, so a retry after a timeout or a lost answer is safe.
 */
final class RequestIds {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String X_REQUEST_ID = "X-Request-Id";
    static final int MAX_LENGTH = 200;

    private RequestIds() {
    }

    /**
     * The request's id ({@code Idempotency-Key} first), or {@code null} if it has none.
     *
     * @throws ApiException 400 {@code invalid_request_id} if it is empty, longer than
     *     {@value #MAX_LENGTH} characters or not visible ASCII
     */
    static String of(HttpHeaders headers) {
        String id = headers.get(IDEMPOTENCY_KEY);
        String name = IDEMPOTENCY_KEY;
        if (id == null) {
            id = headers.get(X_REQUEST_ID);
            name = X_REQUEST_ID;
        }
        if (id == null) {
            return null;
        }
        if (id.isEmpty() || id.length() > MAX_LENGTH || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.badRequest(ErrorCodes.INVALID_REQUEST_ID, "The " + name + " header must be 1 to "
                    + MAX_LENGTH + " visible ASCII characters (no spaces).");
        }
        return id;
    }
}

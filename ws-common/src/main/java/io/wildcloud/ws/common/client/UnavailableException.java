package io.wildcloud.ws.common.client;

/**
 * 503 ({@code store_unavailable}: the node cannot reach its session store) or 507 (the store
 * has no room left): nothing was done, and the same call may succeed later. Retry with a backoff.
 */
public class UnavailableException extends PushApiException {

    public UnavailableException(int status, String error, String apiMessage) {
        super(status, error, apiMessage);
    }
}

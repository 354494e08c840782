package io.wildcloud.ws.sockjs.session;

/**
 * The store refused a write because it is out of memory (Redis at {@code maxmemory} with the
 * {@code noeviction} policy): nothing was written. Retrying helps only once space is freed.
 */
public class StoreFullException extends StoreUnavailableException {

    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}

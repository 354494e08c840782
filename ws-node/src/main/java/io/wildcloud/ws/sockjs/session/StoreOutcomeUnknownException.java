package io.wildcloud.ws.sockjs.session;

/**
 * A write was sent to the store but no answer came within the store's timeout and retries: it
 * may have been applied or not. Repeating it is safe only when the repeat carries the same
 * request id (the store then applies it at most once).
 */
public class StoreOutcomeUnknownException extends StoreUnavailableException {

    public StoreOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}

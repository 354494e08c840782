package io.wildcloud.ws.sockjs.session;

/** The store could not be reached or did not answer in time; the request may be retried. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.wildcloud.ws.common.client;

/**
 * 401 or 403: the application secret is unknown to the node ({@code unknown_application}), or
 * the node wants an {@code Authorization} it did not get. Nothing was created or changed.
 */
public class AccessDeniedException extends PushApiException {

    public AccessDeniedException(int status, String error, String apiMessage) {
        super(status, error, apiMessage);
    }
}

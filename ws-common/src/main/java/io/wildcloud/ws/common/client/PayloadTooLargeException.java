package io.wildcloud.ws.common.client;

/**
 * 413: the message is larger than the node accepts ({@code message_too_large}, the
 * {@code max-message-bytes} setting) or the request body is ({@code body_too_large}).
 */
public class PayloadTooLargeException extends PushApiException {

    public PayloadTooLargeException(int status, String error, String apiMessage) {
        super(status, error, apiMessage);
    }
}

package io.wildcloud.ws.common.client;

/**
 * 400: the call itself is wrong (malformed JSON, a missing or invalid field, an invalid
 * callback URL or client id). Sending it again unchanged gets the same answer.
 */
public class BadRequestException extends PushApiException {

    public BadRequestException(int status, String error, String apiMessage) {
        super(status, error, apiMessage);
    }
}

package io.wildcloud.ws.common.client;

/**
 * 404: the socket ({@code socket_not_found}: never authorized, revoked or expired) or the
 * session ({@code session_not_found}: not open on this socket) does not exist. A socket that is gone
 * stays gone: authorize the client again for a new socket id.
 */
public class NotFoundException extends PushApiException {

    public NotFoundException(int status, String error, String apiMessage) {
        super(status, error, apiMessage);
    }
}

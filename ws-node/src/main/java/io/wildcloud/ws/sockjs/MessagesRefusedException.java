package io.wildcloud.ws.sockjs;

/**
 * A service's answer to a client's messages that it refuses for now, whole, none of them taken
 * (e.g. the application's callback backlog on this node is full): a failed stage of
 * {@link SockJsService#onMessages} or {@link SockJsService#onSend} with this cause. An xhr_send or
 * jsonp_send is answered 503 with {@code {"error": errorCode, "message": message}}; a websocket's
 * session is closed with {@code closeCode} and {@code closeReason}.
 */
public class MessagesRefusedException extends RuntimeException {

    private final String errorCode;
    private final int closeCode;
    private final String closeReason;

    public MessagesRefusedException(String errorCode, String message, int closeCode, String closeReason) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.closeCode = closeCode;
        this.closeReason = closeReason;
    }

    public String errorCode() {
        return errorCode;
    }

    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }
}

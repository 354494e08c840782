package io.wildcloud.ws.common.client;

/**
 * 429 {@code queue_full}: the session's queue of undelivered messages is full (its client does
 * not read); the message was not queued. Only a publish to one session answers this; a publish to
 * every session of a socket counts such sessions in {@link io.wildcloud.ws.common.api.PublishResponse#queueFull()}.
 */
public class QueueFullException extends PushApiException {

    public QueueFullException(int status, String error, String apiMessage) {
        super(status, error, apiMessage);
    }
}

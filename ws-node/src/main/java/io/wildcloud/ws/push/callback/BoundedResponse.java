package io.wildcloud.ws.push.callback;

import io.netty.handler.codec.http.HttpHeaders;
import org.asynchttpclient.AsyncHandler;
import org.asynchttpclient.HttpResponseBodyPart;
import org.asynchttpclient.HttpResponseStatus;

/**
 * Reads a callback's answer without keeping it: only the status matters, so body parts are
 * counted and dropped, and past {@code maxBodyBytes} the read is aborted (the HTTP client then
 * closes the connection). An application answering 200 MiB costs the node one 8 KiB chunk at a
 * time and at most {@code maxBodyBytes} of reading, never a buffer of the whole body. The head is
 * bounded by the client's codec ({@link CallbackSender}), the time by the request timeout.
 * One instance per request.
 */
final class BoundedResponse implements AsyncHandler<BoundedResponse.Answer> {

    /** What an answer was: its status, and whether its body was cut at the bound. */
    record Answer(int status, long bodyBytesRead, boolean bodyCut) {
    }

    private final long maxBodyBytes;
    private int status = -1;
    private long bodyBytes;
    private boolean cut;

    BoundedResponse(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public State onStatusReceived(HttpResponseStatus responseStatus) {
        status = responseStatus.getStatusCode();
        return State.CONTINUE;
    }

    @Override
    public State onHeadersReceived(HttpHeaders headers) {
        return State.CONTINUE;
    }

    @Override
    public State onBodyPartReceived(HttpResponseBodyPart part) {
        bodyBytes += part.length();
        if (bodyBytes > maxBodyBytes) {
            cut = true;
            return State.ABORT;
        }
        return State.CONTINUE;
    }

    @Override
    public void onThrowable(Throwable error) {
        // The request's future fails with it; nothing is held here.
    }

    @Override
    public Answer onCompleted() {
        return new Answer(status, bodyBytes, cut);
    }
}

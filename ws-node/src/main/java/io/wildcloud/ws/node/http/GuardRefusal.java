package io.wildcloud.ws.node.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.wildcloud.ws.common.api.ErrorCodes;
import java.net.InetAddress;
import java.time.Duration;

/**
 * One refusal of the {@link RequestGuard}: what it counts ({@code reason}), what the client is told
 * (status, error code, an actionable message) and the short line {@link ClientErrorLog} writes.
 */
record GuardRefusal(Refusal reason, HttpResponseStatus status, String code, String message, String logged) {

    static GuardRefusal malformedTarget() {
        return new GuardRefusal(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                "The request target has a malformed percent-escape; encode a literal % as %25.",
                "malformed request target");
    }

    /**
     * What the HTTP decoder could not parse, by the decoder's {@code cause}; {@code inBody} when it
     * failed after the head (a chunk-size line or the trailers), not on the request line.
     */
    static GuardRefusal unparsable(Throwable cause, boolean inBody) {
        if (inBody && cause instanceof TooLongHttpLineException) {
            // The decoder reads a chunk-size line, extensions and all, with the request line's limit.
            return new GuardRefusal(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                    "A chunk-size line of the chunked body is too long; send the chunks without chunk extensions.",
                    "chunk-size line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new GuardRefusal(Refusal.HEADERS_TOO_LARGE, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    ErrorCodes.HEADERS_TOO_LARGE,
                    "The request headers are too large; send fewer or shorter headers (cookies).", "headers too large");
        }
        if (cause instanceof TooLongHttpLineException) {
            return new GuardRefusal(Refusal.URI_TOO_LONG, HttpResponseStatus.REQUEST_URI_TOO_LONG, ErrorCodes.URI_TOO_LONG,
                    "The request line is too long; shorten the URL.", "request line too long");
        }
        return new GuardRefusal(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                "The request is not valid HTTP/1.1.", "unparsable request (" + cause.getClass().getSimpleName() + ")");
    }

    /** A request pipelined behind {@code maxWaiting} others that wait for the answer in progress. */
    static GuardRefusal tooManyPipelined(int maxWaiting) {
        return new GuardRefusal(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                "More than " + maxWaiting + " requests were sent ahead of their answers; send the next request"
                        + " once the answer before it has come.",
                "over " + maxWaiting + " requests pipelined behind the one being answered");
    }

    /**
     * The HTTP codec threw (a decoder or encoder failure that came as an exception, not as a decoded
     * request's failed result): said in one line, the exception's own message bounded.
     */
    static GuardRefusal codecFailure(Throwable cause) {
        Throwable root = cause.getCause() != null ? cause.getCause() : cause;
        String what = String.valueOf(root.getMessage());
        // The message may quote the client's bytes: bounded, and no control character reaches the log.
        what = (what.length() > 120 ? what.substring(0, 120) + "..." : what).replaceAll("\\p{Cntrl}", "?");
        return new GuardRefusal(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                "The request is not valid HTTP/1.1.", cause.getClass().getSimpleName() + ": " + what);
    }

    static GuardRefusal bodyTooLarge(int maxBodyBytes) {
        return new GuardRefusal(Refusal.BODY_TOO_LARGE, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                ErrorCodes.BODY_TOO_LARGE, "The request body is larger than " + maxBodyBytes + " bytes.",
                "body over " + maxBodyBytes + " bytes");
    }

    /** @param chunked whether the body was chunked: a Content-Length body came in many small writes instead */
    static GuardRefusal tooManyPieces(int maxPieces, boolean chunked) {
        return new GuardRefusal(Refusal.BAD_REQUEST, HttpResponseStatus.BAD_REQUEST, ErrorCodes.BAD_REQUEST,
                "The request body came in more than " + maxPieces + " pieces (chunks, or reads of a few bytes);"
                        + (chunked ? " send it in larger chunks, or with Content-Length."
                                : " write it to the connection in larger pieces."),
                "body in over " + maxPieces + " pieces");
    }

    static GuardRefusal busy(RequestMemory memory) {
        return new GuardRefusal(Refusal.BUSY, HttpResponseStatus.SERVICE_UNAVAILABLE, ErrorCodes.BUSY,
                "The node holds as many request bodies as max-request-memory allows; retry shortly.",
                "request memory spent (" + memory.used() + " of " + memory.limit() + " bytes)");
    }

    static GuardRefusal forwardedClientOverCap(InetAddress client) {
        return new GuardRefusal(Refusal.MAX_CONNECTIONS_PER_ADDRESS, HttpResponseStatus.TOO_MANY_REQUESTS,
                ErrorCodes.TOO_MANY_CONNECTIONS,
                "This client address has max-connections-per-address requests open; finish some first.",
                "forwarded client " + client.getHostAddress() + " over max-connections-per-address");
    }

    static GuardRefusal headTimeout(Duration requestHeadTimeout) {
        return new GuardRefusal(Refusal.HEAD_TIMEOUT, HttpResponseStatus.REQUEST_TIMEOUT, ErrorCodes.REQUEST_TIMEOUT,
                "The request head did not arrive within " + requestHeadTimeout.toSeconds() + " s.",
                "head not complete within request-head-timeout");
    }

    static GuardRefusal bodyTimeout(Duration bodyTimeout) {
        return new GuardRefusal(Refusal.BODY_TIMEOUT, HttpResponseStatus.REQUEST_TIMEOUT, ErrorCodes.REQUEST_TIMEOUT,
                "The request body did not arrive within " + bodyTimeout.toSeconds() + " s.",
                "body not complete within body-timeout");
    }

    static GuardRefusal bodyTooSlow() {
        return new GuardRefusal(Refusal.BODY_TOO_SLOW, HttpResponseStatus.REQUEST_TIMEOUT, ErrorCodes.REQUEST_TIMEOUT,
                "The request body arrives too slowly.", "body slower than body-progress-bytes");
    }
}

package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import java.util.regex.Pattern;

/** The {@code c} parameter of htmlfile and jsonp: the function the response calls. */
final class JsonpCallbacks {

    // Anything else could inject script into the response.
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_.-]+");

    private JsonpCallbacks() {
    }

    /** The request's callback, or {@code null} after answering with the protocol's 500. */
    static String requireValid(ChannelHandlerContext ctx, SockJsRequest request) {
        String callback;
        try {
            callback = request.queryParameter("c");
        } catch (IllegalArgumentException badEscape) {
            callback = "%";
        }
        if (callback == null || callback.isEmpty()) {
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "\"callback\" parameter required");
            return null;
        }
        if (!VALID.matcher(callback).matches()) {
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "invalid \"callback\" parameter");
            return null;
        }
        return callback;
    }
}

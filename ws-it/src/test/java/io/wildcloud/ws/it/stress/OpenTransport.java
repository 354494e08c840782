package io.wildcloud.ws.it.stress;

import com.google.gson.JsonParser;
import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import java.time.Duration;

/**
 * The seven SockJS transports as a client meets them: open a session, then read it frame by frame
 * ({@code o}, {@code h}, {@code a[...]}, {@code c[...]}), whatever the transport wraps a frame in.
 */
enum OpenTransport {
    WEBSOCKET(true), RAW_WEBSOCKET(false), XHR_STREAMING(true), EVENTSOURCE(true), HTMLFILE(true),
    XHR_POLLING(true), JSONP_POLLING(true);

    /** Whether the client knows its session id, so that a publish may name it. */
    final boolean namesSession;

    OpenTransport(boolean namesSession) {
        this.namesSession = namesSession;
    }

    /** One open session of this transport. */
    interface Client extends AutoCloseable {
        /** The next SockJS frame; a raw websocket's open is {@code o}, its messages {@code a[...]} of one. */
        String nextFrame();

        @Override
        void close();
    }

    /** Opens session {@code sessionId} of {@code socketId} at {@code base}; returns once the request is sent. */
    Client open(String base, String socketId, String sessionId, Duration timeout) {
        Http http = new Http(timeout);
        String session = base + "/" + socketId + "/000/" + sessionId;
        return switch (this) {
            case WEBSOCKET -> websocket(WsClient.connect(session + "/websocket", timeout), false);
            case RAW_WEBSOCKET -> websocket(WsClient.connect(base + "/" + socketId + "/websocket", timeout), true);
            case XHR_STREAMING -> stream(http.open("POST", session + "/xhr_streaming"), chunk -> strip(chunk, "", "\n"));
            case EVENTSOURCE -> stream(http.open("GET", session + "/eventsource"), chunk -> strip(chunk, "data: ", "\r\n\r\n"));
            case HTMLFILE -> stream(http.open("GET", session + "/htmlfile?c=cb"),
                    chunk -> jsonString(strip(chunk, "<script>\np(", ");\n</script>\r\n")));
            case XHR_POLLING -> poll(() -> http.post(session + "/xhr"), body -> strip(body, "", "\n"));
            case JSONP_POLLING -> poll(() -> http.get(session + "/jsonp?c=cb"),
                    body -> jsonString(strip(body, "/**/cb(", ");\r\n")));
        };
    }

    private static Client websocket(WsClient socket, boolean raw) {
        return new Client() {
            private boolean opened;

            @Override
            public String nextFrame() {
                if (raw && !opened) {
                    opened = true; // the handshake was the opening
                    return "o";
                }
                String text = socket.nextText();
                return raw ? "a[" + new com.google.gson.JsonPrimitive(text) + "]" : text;
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }

    private static Client stream(Http.Stream stream, java.util.function.UnaryOperator<String> unwrap) {
        stream.nextChunk(); // the prelude
        return new Client() {
            @Override
            public String nextFrame() {
                return unwrap.apply(stream.nextChunk());
            }

            @Override
            public void close() {
                stream.close();
            }
        };
    }

    private static Client poll(java.util.function.Supplier<RawResponse> request,
            java.util.function.UnaryOperator<String> unwrap) {
        return new Client() {
            @Override
            public String nextFrame() {
                RawResponse response = request.get();
                if (response.status() != 200) {
                    throw new AssertionError("poll answered " + response);
                }
                return unwrap.apply(response.bodyText());
            }

            @Override
            public void close() {
            }
        };
    }

    private static String strip(String wrapped, String before, String after) {
        if (!wrapped.startsWith(before) || !wrapped.endsWith(after)) {
            throw new AssertionError("not a frame in '" + before + "..." + after + "': '" + wrapped + "'");
        }
        return wrapped.substring(before.length(), wrapped.length() - after.length());
    }

    private static String jsonString(String json) {
        return JsonParser.parseString(json).getAsString();
    }
}

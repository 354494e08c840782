package io.wildcloud.ws.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** SockJS over a websocket: each text message is one frame. */
final class WebSocketSessionClient extends SessionClient {

    private volatile WebSocket socket;

    WebSocketSessionClient(HttpClient http, URI endpoint, Consumer<String> sink) {
        super(http, endpoint, sink);
    }

    @Override
    public CompletableFuture<Void> open() {
        URI url = URI.create(sessionUrl.toString().replaceFirst("^http", "ws") + "/websocket");
        http.newWebSocketBuilder().buildAsync(url, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    onFrame(text);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                failed(new IllegalStateException("websocket closed " + statusCode + " " + reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                failed(error);
            }
        }).whenComplete((ws, error) -> {
            if (error != null) {
                failed(error);
            } else {
                socket = ws;
            }
        });
        return opened;
    }

    @Override
    public void stop() {
        stopping = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}

package io.wildcloud.ws.it.faults;

import io.wildcloud.ws.it.http.WsClient;
import io.wildcloud.ws.testing.Waits;
import java.time.Duration;

/**
 * A SockJS websocket client: one connection (a websocket session ends with it), its frames read
 * on a thread of its own until the connection ends, which is recorded as {@link #end()}.
 */
final class WebSocketSession extends ClientSession {

    private final WsClient client;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile WsClient.Event end;

    WebSocketSession(String socketId, String base) {
        super(socketId, base);
        client = WsClient.connect(url("websocket"), Duration.ofSeconds(1));
        thread = new Thread(this::run, "ws-" + sessionId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        // Each wait is 1 s; at most 10 minutes in all.
        for (int i = 0; i < 600 && !stopped; i++) {
            WsClient.Event event;
            try {
                event = client.next();
            } catch (AssertionError quiet) {
                continue;
            }
            if (event instanceof WsClient.Text text) {
                frame(text.text());
            } else {
                log("connection ended: " + event);
                end = event;
                return;
            }
        }
    }

    /** How the connection ended, or null while it is open. */
    WsClient.Event end() {
        return end;
    }

    void awaitEnd(Duration timeout) {
        Waits.await(() -> end != null, () -> "websocket " + sessionId + " ended " + this, timeout);
    }

    @Override
    public void close() {
        stopped = true;
        client.close();
        thread.interrupt();
    }
}

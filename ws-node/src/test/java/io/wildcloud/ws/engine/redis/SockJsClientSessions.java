package io.wildcloud.ws.engine.redis;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * SockJS sessions kept as sockjs-client keeps them (xhr-polling, xhr-streaming, websocket), each
 * collecting the messages it receives; whatever would make sockjs-client close a session (a status
 * but 200, a close frame, a second open frame, a websocket close) is recorded as a failure.
 */
final class SockJsClientSessions implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Set<String> opened = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final List<WebSocket> sockets = new ArrayList<>();
    private volatile boolean stopping;

    /** What would have closed a session for sockjs-client, so far. */
    List<String> failures() {
        return failures;
    }

    /** How many sessions got their open frame. */
    int opened() {
        return opened.size();
    }

    void polling(String url, List<String> received) {
        polling(url, received, CompletableFuture.completedFuture(null));
    }

    /** A polling session whose second poll waits for {@code secondPoll} (a client slow to poll again). */
    void polling(String url, List<String> received, CompletableFuture<?> secondPoll) {
        thread("poller " + url, () -> poll(url, received, secondPoll));
    }

    void streaming(String url, List<String> received) {
        thread("streamer " + url, () -> stream(url, received));
    }

    void websocket(String url, List<String> received) throws Exception {
        sockets.add(http.newWebSocketBuilder().buildAsync(URI.create(url), new SockJsListener(url, received))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        sockets.forEach(WebSocket::abort);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    /** Polls as sockjs-client's xhr-polling does: again at once after a 200, never after anything else. */
    private void poll(String url, List<String> received, CompletableFuture<?> secondPoll) throws Exception {
        boolean opened = false;
        while (!stopping) {
            if (opened) {
                secondPoll.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            HttpResponse<String> response = http.send(request(url), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                failures.add(url + " answered " + response.statusCode() + ": " + response.body());
                return;
            }
            for (String frame : response.body().split("\n")) {
                if (!frame(frame, opened, received, url)) {
                    return;
                }
                opened = true;
            }
        }
    }

    /** Streams as sockjs-client's xhr-streaming does: a new request when one ends after a 200. */
    private void stream(String url, List<String> received) throws Exception {
        boolean opened = false;
        while (!stopping) {
            HttpResponse<InputStream> response = http.send(request(url), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                failures.add(url + " answered " + response.statusCode());
                return;
            }
            try (InputStream in = response.body()) {
                readLine(in); // the prelude
                for (String frame = readLine(in); frame != null; frame = readLine(in)) {
                    if (!frame(frame, opened, received, url)) {
                        return;
                    }
                    opened = true;
                }
            }
        }
    }

    /** Handles one SockJS frame; false when the session is over for its client. */
    private boolean frame(String frame, boolean opened, List<String> received, String what) {
        if (frame.equals("o") && !opened) {
            this.opened.add(what);
            return true;
        }
        if (frame.equals("h")) {
            return true;
        }
        if (frame.startsWith("a[")) {
            for (JsonElement message : JsonParser.parseString(frame.substring(1)).getAsJsonArray()) {
                received.add(message.getAsString());
            }
            return true;
        }
        // A second "o" is a new session: sockjs-client closes with "Server lost session".
        failures.add(what + " got " + frame);
        return false;
    }

    /** A SockJS websocket's frames, one text message each; a close before the test ends is a failure. */
    private final class SockJsListener implements WebSocket.Listener {
        private final String url;
        private final List<String> received;
        private final StringBuilder partial = new StringBuilder();
        private boolean opened;

        SockJsListener(String url, List<String> received) {
            this.url = url;
            this.received = received;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frame(partial.toString(), opened, received, url); // a failure is recorded there
                opened = true;
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!stopping) {
                failures.add(url + " closed " + statusCode + " " + reason);
            }
            return null;
        }
    }

    private HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private void thread(String name, ThrowingRunnable client) {
        Thread thread = new Thread(() -> {
            try {
                client.run();
            } catch (Exception e) {
                if (!stopping) {
                    failures.add(name + " failed: " + e);
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static String readLine(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                return null;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}

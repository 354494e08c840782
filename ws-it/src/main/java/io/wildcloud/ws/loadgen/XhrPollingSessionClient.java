package io.wildcloud.ws.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * SockJS over xhr polling: one request per batch of frames, the next sent when one returns. A poll
 * that fails (no answer, or a status other than 200 and 404) is sent again with back-off, as
 * sockjs-client does, up to {@link #MAX_RETRIES} in a row; 404 (the session is unknown) or too many
 * failures end the session.
 */
final class XhrPollingSessionClient extends SessionClient {

    static final int MAX_RETRIES = 8;

    private final HttpClient http;
    private final Backoff backoff = new Backoff(100, 2_000);

    XhrPollingSessionClient(HttpClient http, URI endpoint, Consumer<String> sink) {
        super(sessionUrlUnder(endpoint), sink);
        this.http = http;
    }

    @Override
    public CompletableFuture<Void> open() {
        poll();
        return opened;
    }

    private void poll() {
        if (stopping || closed.isDone()) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(sessionUrl + "/xhr"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofMinutes(2))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            served(response, outcome(response, error));
            if (error != null || response.statusCode() != 200) {
                Throwable failure = error != null ? error : new IllegalStateException("xhr answered " + response.statusCode());
                if (error == null && response.statusCode() == 404 || backoff.failures() >= MAX_RETRIES) {
                    failed(failure);
                } else {
                    backoff.failedThen(this::poll);
                }
                return;
            }
            backoff.succeeded();
            for (String line : response.body().split("\n")) {
                if (!onFrame(line)) {
                    return;
                }
            }
            poll();
        });
    }

    // "200 a(4-6)": the status and the frame, for a message frame the seqs it carried.
    private static String outcome(HttpResponse<String> response, Throwable error) {
        if (error != null) {
            return "failed: " + error;
        }
        String body = response.body().strip();
        if (body.startsWith("a[")) {
            try {
                List<String> messages = messagesOf(body);
                return response.statusCode() + " a(" + seqOf(messages.get(0)) + "-"
                        + seqOf(messages.get(messages.size() - 1)) + ")";
            } catch (RuntimeException e) {
                return response.statusCode() + " a(?)";
            }
        }
        return response.statusCode() + " " + (body.length() > 40 ? body.substring(0, 40) + "..." : body);
    }

    private static String seqOf(String message) {
        int colon = message.indexOf(':');
        return colon < 0 ? "?" : message.substring(0, colon);
    }

    @Override
    public void stop() {
        stopping = true;
    }
}

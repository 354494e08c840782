package io.wildcloud.ws.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** SockJS over xhr polling: one request per batch of frames, the next sent when one returns. */
final class XhrPollingSessionClient extends SessionClient {

    private final HttpClient http;

    XhrPollingSessionClient(HttpClient http, URI endpoint, Consumer<String> sink) {
        super(endpoint, sink);
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
            if (error != null || response.statusCode() != 200) {
                failed(error != null ? error : new IllegalStateException("xhr answered " + response.statusCode()));
                return;
            }
            for (String line : response.body().split("\n")) {
                if (!onFrame(line)) {
                    return;
                }
            }
            poll();
        });
    }

    @Override
    public void stop() {
        stopping = true;
    }
}

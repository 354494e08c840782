package io.wildcloud.ws.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * SockJS over xhr_streaming: one long response of newline-ended frames; when the server ends it
 * (the response limit), the client opens the next, as sockjs-client does. A stream that fails (no
 * answer, or a status other than 200 and 404) is opened again with back-off, up to
 * {@link XhrPollingSessionClient#MAX_RETRIES} in a row; 404 or too many failures end the session.
 */
final class XhrStreamingSessionClient extends SessionClient {

    private final HttpClient http;
    private final Backoff backoff = new Backoff(100, 2_000);
    private volatile Flow.Subscription streaming;

    XhrStreamingSessionClient(HttpClient http, URI endpoint, Consumer<String> sink) {
        super(sessionUrlUnder(endpoint), sink);
        this.http = http;
    }

    @Override
    public CompletableFuture<Void> open() {
        stream();
        return opened;
    }

    private void stream() {
        if (stopping || closed.isDone()) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(sessionUrl + "/xhr_streaming"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofMinutes(5))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                this.subscription = subscription;
                streaming = subscription;
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                if (!onFrame(line)) {
                    // Over (a close frame, or the server lost the session): drop the connection, as
                    // sockjs-client does, so the node sees the client gone and unlists the session.
                    subscription.cancel();
                }
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        })).whenComplete((response, error) -> {
            served(response, error != null ? "stream failed: " + error : response.statusCode() + " stream ended");
            if (error != null || response.statusCode() != 200) {
                Throwable failure = error != null ? error
                        : new IllegalStateException("xhr_streaming answered " + response.statusCode());
                if (error == null && response.statusCode() == 404
                        || backoff.failures() >= XhrPollingSessionClient.MAX_RETRIES) {
                    failed(failure);
                } else {
                    backoff.failedThen(this::stream);
                }
                return;
            }
            backoff.succeeded();
            stream();
        });
    }

    @Override
    public void stop() {
        stopping = true;
        Flow.Subscription current = streaming;
        if (current != null) {
            current.cancel();
        }
    }
}

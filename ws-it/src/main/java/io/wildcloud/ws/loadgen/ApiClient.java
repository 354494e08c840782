package io.wildcloud.ws.loadgen;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The application's side of the HTTP API for authorizing sockets (publishing is {@link HttpPublisher}'s). */
public final class ApiClient {

    private final HttpClient http;
    private final List<URI> apiUrls;
    private final AtomicInteger next = new AtomicInteger();

    /** Requests go round robin over {@code apiUrls}, as to several nodes. */
    public ApiClient(HttpClient http, List<URI> apiUrls) {
        this.http = http;
        this.apiUrls = List.copyOf(apiUrls);
    }

    private URI base() {
        return apiUrls.get(Math.floorMod(next.getAndIncrement(), apiUrls.size()));
    }

    /**
     * Authorizes a client and answers its socket id. A 503 (the store is slow or away for a moment,
     * e.g. on a loaded machine) or no answer within 10 s is tried again after a back-off (the same
     * client id authorizes the same socket), as an application would, up to
     * {@value #ATTEMPTS} times in all.
     */
    public String authorize(String applicationSecret, String clientId, String callbackUrl)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return authorizeOnce(applicationSecret, clientId, callbackUrl);
            } catch (Unavailable | java.net.http.HttpTimeoutException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(200L << attempt);
            }
        }
    }

    private static final int ATTEMPTS = 5;

    /** A 503 answer: worth another try. */
    private static final class Unavailable extends IOException {
        Unavailable(String message) {
            super(message);
        }
    }

    private String authorizeOnce(String applicationSecret, String clientId, String callbackUrl)
            throws IOException, InterruptedException {
        JsonObject body = new JsonObject();
        body.addProperty("callback", callbackUrl);
        URI url = base().resolve("/authorize/" + encode(applicationSecret) + "/" + encode(clientId));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 503) {
            throw new Unavailable("authorize answered 503: " + response.body());
        }
        if (response.statusCode() != 200) {
            throw new IOException("authorize answered " + response.statusCode() + ": " + response.body());
        }
        return JsonParser.parseString(response.body()).getAsJsonObject().get("socket_id").getAsString();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

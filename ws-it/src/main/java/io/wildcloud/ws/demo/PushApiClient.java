package io.wildcloud.ws.demo;

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

/**
 * What an application needs of the push service's HTTP API (the node's API port, never the public
 * one): authorize a client, publish to a socket or to one of its sessions. Plain JDK HTTP and JSON,
 * as any application in any language would write it.
 */
public final class PushApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI apiBase;
    private final HttpClient http;

    /** {@code apiBase} is e.g. {@code http://127.0.0.1:8081}. */
    public PushApiClient(URI apiBase) {
        this.apiBase = apiBase;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    public URI base() {
        return apiBase;
    }

    /**
     * {@code POST /authorize/<secret>/<client_id>} with {@code {"callback": url}}; returns the socket
     * id the browser connects to. The secret stays on the server side: this runs in the application.
     */
    public String authorize(String applicationSecret, String clientId, URI callback)
            throws IOException, InterruptedException {
        JsonObject body = new JsonObject();
        body.addProperty("callback", callback.toString());
        ApiResponse response = post("/authorize/" + segment(applicationSecret) + "/" + segment(clientId), body);
        if (response.status() != 200) {
            throw new IOException("authorize answered " + response.status() + ": " + response.body());
        }
        return JsonParser.parseString(response.body()).getAsJsonObject().get("socket_id").getAsString();
    }

    /** {@code DELETE /authorize/<secret>/<client_id>}: the socket and its sessions end. */
    public ApiResponse revoke(String applicationSecret, String clientId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        apiBase.resolve("/authorize/" + segment(applicationSecret) + "/" + segment(clientId)))
                .timeout(TIMEOUT)
                .DELETE()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new ApiResponse(response.statusCode(), response.body());
    }

    /** {@code POST /publish/<socket_id>} with {@code {"message": text}}. */
    public ApiResponse publish(String socketId, String text) throws IOException, InterruptedException {
        return post("/publish/" + segment(socketId), message(text));
    }

    /** {@code POST /publish/<socket_id>/<session_id>} with {@code {"message": text}}. */
    public ApiResponse publishToSession(String socketId, String sessionId, String text)
            throws IOException, InterruptedException {
        return post("/publish/" + segment(socketId) + "/" + segment(sessionId), message(text));
    }

    private static JsonObject message(String text) {
        JsonObject body = new JsonObject();
        body.addProperty("message", text);
        return body;
    }

    private ApiResponse post(String path, JsonObject body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(apiBase.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new ApiResponse(response.statusCode(), response.body());
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Status and body of one API call. */
    public record ApiResponse(int status, String body) {

        /** For a 200 publish: how many sessions the message was handed to. */
        public int sessions() {
            return JsonParser.parseString(body).getAsJsonObject().get("sessions").getAsInt();
        }
    }
}

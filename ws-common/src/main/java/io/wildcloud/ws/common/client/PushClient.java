package io.wildcloud.ws.common.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import io.wildcloud.ws.common.api.ApiJson;
import io.wildcloud.ws.common.api.AuthorizeRequest;
import io.wildcloud.ws.common.api.AuthorizeResponse;
import io.wildcloud.ws.common.api.PublishBatchRequest;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.api.PublishRequest;
import io.wildcloud.ws.common.api.PublishResponse;
import io.wildcloud.ws.common.api.RevokeResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An application's client of the push service's HTTP API (a node's API port, or a balancer in
 * front of the API ports; never the public port): authorize a client, revoke it, publish to a
 * socket or to one of its sessions. Callbacks are checked with {@link CallbackVerifier}.
 *
 * <pre>{@code
 * PushClient push = PushClient.builder(URI.create("http://127.0.0.1:8081"), applicationSecret).build();
 * String socketId = push.authorize("user-42", URI.create("https://app.example/ws/callback"));
 * // the browser: new SockJS("https://push.example/" + socketId)
 * PublishResponse sent = push.publish(socketId, "hello");   // sent.sessions() tabs got it
 * push.publishBatch(List.of(socketId, otherSocketId), "hello room");   // one request for many
 * push.revoke("user-42");
 * }</pre>
 *
 * <p>Every call exists in two forms: blocking ({@code publish}), which throws a
 * {@link PushApiException} subclass for an error answer and a plain {@link IOException} for a
 * network failure; and asynchronous ({@code publishAsync}), whose future fails with the same
 * exceptions. Every request carries {@code Authorization: Bearer <application secret>} unless
 * {@link Builder#bearerAuth(boolean)} turns it off; nodes that do not check it ignore it.
 *
 * <p>Thread-safe; build one per application and API address and share it.
 */
public final class PushClient {

    /** The header that carries a publish's request id. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final String apiBase;
    private final String secret;
    private final HttpClient http;
    private final Duration timeout;
    private final boolean bearerAuth;

    private PushClient(Builder builder) {
        String base = builder.apiBase.toString();
        this.apiBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.secret = builder.applicationSecret;
        this.timeout = builder.timeout;
        this.bearerAuth = builder.bearerAuth;
        this.http = builder.http != null ? builder.http : HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * @param apiBase the API's address, e.g. {@code http://127.0.0.1:8081}
     * @param applicationSecret the application's secret id, as configured on the nodes
     *     ({@code applications=name:secret}); it stays on the application's server side
     */
    public static Builder builder(URI apiBase, String applicationSecret) {
        return new Builder(apiBase, applicationSecret);
    }

    /** The API address this client calls. */
    public URI apiBase() {
        return URI.create(apiBase);
    }

    /**
     * {@code POST /authorize/<secret>/<client_id>}: gives {@code clientId} a socket, or returns its
     * socket while it lives (and replaces its callback).
     *
     * @param callback where the node POSTs what the client's sessions send (an absolute http(s) URL)
     * @return the socket id the browser connects with: {@code new SockJS(publicBase + "/" + socketId)}
     * @throws BadRequestException for an invalid client id or callback URL
     * @throws AccessDeniedException when no application has this secret
     * @throws TooManyRequestsException when the application created its quota of new sockets
     *         this window ({@code too_many_sockets}); a client that has a socket still gets it
     */
    public String authorize(String clientId, URI callback) throws IOException, InterruptedException {
        return send(authorizeRequest(clientId, callback), AuthorizeResponse.class).socketId();
    }

    /** {@link #authorize(String, URI)}, asynchronously. */
    public CompletableFuture<String> authorizeAsync(String clientId, URI callback) {
        return sendAsync(authorizeRequest(clientId, callback), AuthorizeResponse.class)
                .thenApply(AuthorizeResponse::socketId);
    }

    /**
     * {@code DELETE /authorize/<secret>/<client_id>}: forgets the client's socket at once; each of its
     * open sessions gets the SockJS close frame {@code c[4001,"Socket revoked"]}.
     *
     * @return the revoked socket and how many sessions were closed
     * @throws NotFoundException when the client has no socket
     */
    public RevokeResponse revoke(String clientId) throws IOException, InterruptedException {
        return send(revokeRequest(clientId), RevokeResponse.class);
    }

    /** {@link #revoke(String)}, asynchronously. */
    public CompletableFuture<RevokeResponse> revokeAsync(String clientId) {
        return sendAsync(revokeRequest(clientId), RevokeResponse.class);
    }

    /**
     * {@code POST /publish/<socket_id>}: hands {@code message} to every open session of the socket.
     *
     * @return how many sessions took it and how many refused it with a full queue
     * @throws NotFoundException when the socket does not exist (revoked, expired, never authorized)
     * @throws PayloadTooLargeException when the message is over {@code max-message-bytes}
     * @throws TooManyRequestsException when the application spent its publish budget on this node
     *         ({@code too_many_publish_bytes}): nothing was queued
     */
    public PublishResponse publish(String socketId, String message) throws IOException, InterruptedException {
        return publish(socketId, new JsonPrimitive(message));
    }

    /**
     * As {@link #publish(String, String)} with any JSON value but {@code null}: a JSON string reaches
     * the browser as that string, any other value as its compact JSON text.
     */
    public PublishResponse publish(String socketId, JsonElement message) throws IOException, InterruptedException {
        return send(publishRequest(socketId, null, message), PublishResponse.class);
    }

    /**
     * {@code POST /publish/<socket_id>/<session_id>}: hands {@code message} to one session (one tab).
     *
     * @throws NotFoundException when the socket or the session is not open
     * @throws QueueFullException when that session's queue is full
     * @throws TooManyRequestsException when the application spent its publish budget on this node
     */
    public PublishResponse publish(String socketId, String sessionId, String message)
            throws IOException, InterruptedException {
        return publish(socketId, sessionId, new JsonPrimitive(message));
    }

    /** As {@link #publish(String, String, String)} with any JSON value but {@code null}. */
    public PublishResponse publish(String socketId, String sessionId, JsonElement message)
            throws IOException, InterruptedException {
        return send(publishRequest(socketId, Objects.requireNonNull(sessionId, "sessionId"), message),
                PublishResponse.class);
    }

    /** {@link #publish(String, String)}, asynchronously. */
    public CompletableFuture<PublishResponse> publishAsync(String socketId, String message) {
        return publishAsync(socketId, new JsonPrimitive(message));
    }

    /** {@link #publish(String, String, String)}, asynchronously. */
    public CompletableFuture<PublishResponse> publishAsync(String socketId, String sessionId, String message) {
        return publishAsync(socketId, sessionId, new JsonPrimitive(message));
    }

    /** {@link #publish(String, JsonElement)}, asynchronously. */
    public CompletableFuture<PublishResponse> publishAsync(String socketId, JsonElement message) {
        return sendAsync(publishRequest(socketId, null, message), PublishResponse.class);
    }

    /** {@link #publish(String, String, JsonElement)}, asynchronously. */
    public CompletableFuture<PublishResponse> publishAsync(String socketId, String sessionId, JsonElement message) {
        return sendAsync(publishRequest(socketId, Objects.requireNonNull(sessionId, "sessionId"), message),
                PublishResponse.class);
    }

    /**
     * {@code POST /publish}: hands {@code message} to every open session of each socket, in one
     * request (at most the node's {@code max-publish-targets}, default 1000).
     *
     * @return per socket, in order, how many sessions took it, or why it could not be published
     *     ({@code socket_not_found} for a socket that no longer lives; {@code store_full},
     *     {@code store_unavailable}, {@code store_timeout} or {@code internal_error} for a target
     *     the store failed while others were queued: only those are worth sending again; a
     *     {@code store_timeout} may have been queued, so only a batch sent with a request id can be
     *     sent again without a risk of repeats: docs/push-api.md, "Retries and request ids")
     * @throws PayloadTooLargeException when the message is over {@code max-message-bytes} or there
     *     are too many sockets
     * @throws AccessDeniedException when a socket belongs to another application (nothing was published)
     * @throws TooManyRequestsException when the application spent its publish budget on this node
     */
    public PublishBatchResponse publishBatch(Collection<String> socketIds, String message)
            throws IOException, InterruptedException {
        return publishBatch(toAll(socketIds, message));
    }

    /**
     * {@code POST /publish} with either form of {@link PublishBatchRequest}: one message for many
     * targets, or a message per target. Errors of single targets are in the answer's results; a
     * request wrong as a whole throws as a single publish would.
     */
    public PublishBatchResponse publishBatch(PublishBatchRequest batch) throws IOException, InterruptedException {
        return send(post("/publish", batch.toJson()), PublishBatchResponse.class);
    }

    /**
     * As {@link #publishBatch(PublishBatchRequest)}, with a request id ({@code Idempotency-Key}: 1 to
     * 200 visible ASCII characters): a target sent again with the same id, socket, session and
     * message within 5 minutes is delivered at most once, so the targets answered
     * {@code store_timeout} (or a whole batch that got no answer) can be sent again safely. Use one
     * id per message meant, the same on every resend of it.
     *
     * @throws TooManyRequestsException also when the application has its most request ids remembered
     *     ({@code too_many_request_ids}; a target of a batch that partly went through gets it as its error)
     */
    public PublishBatchResponse publishBatch(PublishBatchRequest batch, String requestId)
            throws IOException, InterruptedException {
        HttpRequest request = request("/publish")
                .header("Content-Type", "application/json; charset=utf-8")
                .header(IDEMPOTENCY_KEY, Objects.requireNonNull(requestId, "requestId"))
                .POST(HttpRequest.BodyPublishers.ofString(batch.toJson(), StandardCharsets.UTF_8))
                .build();
        return send(request, PublishBatchResponse.class);
    }

    /** {@link #publishBatch(Collection, String)}, asynchronously. */
    public CompletableFuture<PublishBatchResponse> publishBatchAsync(Collection<String> socketIds, String message) {
        return publishBatchAsync(toAll(socketIds, message));
    }

    /** {@link #publishBatch(PublishBatchRequest)}, asynchronously. */
    public CompletableFuture<PublishBatchResponse> publishBatchAsync(PublishBatchRequest batch) {
        return sendAsync(post("/publish", batch.toJson()), PublishBatchResponse.class);
    }

    private static PublishBatchRequest toAll(Collection<String> socketIds, String message) {
        List<PublishBatchRequest.Target> targets = new ArrayList<>(socketIds.size());
        socketIds.forEach(id -> targets.add(PublishBatchRequest.Target.socket(id)));
        return PublishBatchRequest.toAll(targets, new JsonPrimitive(message));
    }

    private HttpRequest authorizeRequest(String clientId, URI callback) {
        String body = ApiJson.toJson(new AuthorizeRequest(callback.toString()));
        return post("/authorize/" + segment(secret) + "/" + segment(clientId), body);
    }

    private HttpRequest revokeRequest(String clientId) {
        return request("/authorize/" + segment(secret) + "/" + segment(clientId)).DELETE().build();
    }

    private HttpRequest publishRequest(String socketId, String sessionId, JsonElement message) {
        String path = "/publish/" + segment(socketId) + (sessionId != null ? "/" + segment(sessionId) : "");
        return post(path, new PublishRequest(message).toJson());
    }

    private HttpRequest post(String path, String json) {
        return request(path)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiBase + path))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (bearerAuth) {
            request.header("Authorization", "Bearer " + secret);
        }
        return request;
    }

    private <T> T send(HttpRequest request, Class<T> answer) throws IOException, InterruptedException {
        return read(http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)), answer);
    }

    private <T> CompletableFuture<T> sendAsync(HttpRequest request, Class<T> answer) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> {
                    try {
                        return read(response, answer);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                });
    }

    private static <T> T read(HttpResponse<String> response, Class<T> answer) throws IOException {
        if (response.statusCode() != 200) {
            throw ApiErrors.of(response.statusCode(), response.body(), response.headers().firstValue("Retry-After"));
        }
        try {
            T value = ApiJson.GSON.fromJson(response.body(), answer);
            if (value == null) {
                throw new JsonParseException("empty body");
            }
            return value;
        } catch (JsonParseException | NullPointerException e) {
            // NullPointerException: a record's constructor refused a missing field.
            throw new IOException("unexpected answer to " + response.request().method() + " "
                    + response.request().uri().getRawPath().replaceFirst("^/authorize/[^/]*", "/authorize/<secret>")
                    + ": " + ApiErrors.excerpt(response.body()), e);
        }
    }

    /** A path segment: the node decodes %-escapes in client, socket and session ids. */
    private static String segment(String value) {
        return URLEncoder.encode(Objects.requireNonNull(value), StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** How a {@link PushClient} is set up; every setting but the two required ones has a default. */
    public static final class Builder {

        private final URI apiBase;
        private final String applicationSecret;
        private HttpClient http;
        private Duration timeout = Duration.ofSeconds(10);
        private boolean bearerAuth = true;

        private Builder(URI apiBase, String applicationSecret) {
            this.apiBase = Objects.requireNonNull(apiBase, "apiBase");
            this.applicationSecret = Objects.requireNonNull(applicationSecret, "applicationSecret");
        }

        /** The JDK client to send with (proxy, TLS, executor); by default one of this client's own. */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The longest one call may take, connecting included; default 10 s. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Whether every request carries {@code Authorization: Bearer <application secret>} (default
         * {@code true}). Nodes that require it refuse publish and revoke without it; nodes that do not
         * check it ignore it.
         */
        public Builder bearerAuth(boolean send) {
            this.bearerAuth = send;
            return this;
        }

        public PushClient build() {
            return new PushClient(this);
        }
    }
}

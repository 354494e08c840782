package io.wildcloud.ws.push.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.push.Application;
import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.SocketIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The API's routes, from a request's method, path and body to an {@link ApiReply}:
 * <pre>
 *   POST   /authorize/&lt;application_id&gt;/&lt;client_id&gt;   {"callback": url}  → 200 {"socket_id"}
 *   DELETE /authorize/&lt;application_id&gt;/&lt;client_id&gt;                     → 200 {"socket_id","sessions_closed"}
 *   POST   /publish  {"targets":[{"socket_id","session_id"?}...],"message": value}
 *                    or {"messages":[{"socket_id","session_id"?,"message": value}...]}
 *                                                                 → 200 {"sessions","queue_full","failed","results":[...]}
 *          (a batch, see {@link BatchBodies} and {@link PushOperations#publishBatch})
 *   POST   /publish/&lt;socket_id&gt;                   {"message": value} → 200 {"sessions","queue_full"}
 *   POST   /publish/&lt;socket_id&gt;/&lt;session_id&gt;      {"message": value} → 200 {"sessions":1,"queue_full":0}
 *          (every publish takes an optional Idempotency-Key or X-Request-Id header, see {@link RequestIds})
 * </pre>
 * The node's {@code HealthHandler} and {@code MetricsHandler} answer {@code /health},
 * {@code /health/live}, {@code /health/ready} and {@code /metrics} before this handler (see
 * {@link io.wildcloud.ws.edge.PipelineNames}).
 * The application is checked before the body, so an unknown one learns nothing but 403.
 *
 * <p>Every call may carry {@code Authorization: Bearer <application secret>} ({@link BearerAuth});
 * when it does, it must name the URL's application (authorize, revoke) or the socket's (publish),
 * else 403 {@code wrong_application}. With {@code api-require-auth} publish and revoke need it
 * (401 {@code unauthorized} without). Callbacks whose host is an address that is not allowed get
 * 400 {@code callback_not_allowed} ({@link io.wildcloud.ws.push.callback.CallbackAddresses}).
 */
final class ApiRoutes {

    /** The words of the API's paths, which every request names: read without a new string each. */
    private static final String[] ROUTE_WORDS = {"publish", "authorize"};

    static final int MAX_ID_LENGTH = 256;

    private final ApplicationRegistry applications;
    private final PushOperations operations;
    private final BearerAuth auth;
    private final ApiAccess access;
    private final BatchBodies batches;

    ApiRoutes(ApplicationRegistry applications, PushOperations operations, int maxMessageBytes, int maxPublishTargets,
            ApiAccess access) {
        this.batches = new BatchBodies(maxMessageBytes, maxPublishTargets);
        this.applications = applications;
        this.access = access;
        this.auth = new BearerAuth(applications, access.requireAuth());
        this.operations = operations;
    }

    /**
     * Never throws: every failure is in the stage.
     *
     * @param authorization the request's {@code Authorization} header, or {@code null}
     * @param requestId the request's {@code Idempotency-Key} or {@code X-Request-Id} (checked by
     *     {@link RequestIds}), or {@code null}; a publish uses it so that its repeats are harmless
     */
    CompletionStage<ApiReply> route(HttpMethod method, String uri, String authorization, String body,
            String requestId) {
        try {
            return dispatch(method, uri, authorization, body, requestId);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<ApiReply> dispatch(HttpMethod method, String uri, String authorization, String body,
            String requestId) {
        List<String> segments = segments(uri);
        String first = segments.get(0);
        if (first.equals("authorize") && segments.size() == 3 && !segments.get(1).isEmpty()
                && !segments.get(2).isEmpty()) {
            require(method, "POST, DELETE", HttpMethod.POST, HttpMethod.DELETE);
            boolean revoke = method.equals(HttpMethod.DELETE);
            Optional<Application> caller = auth.caller(authorization, revoke);
            Application application = applications.bySecret(decode(segments.get(1)))
                    .orElseThrow(ApiRoutes::unknownApplication);
            BearerAuth.requireSame(caller, application.name());
            String clientId = clientId(segments.get(2));
            if (revoke) {
                return operations.revoke(application, clientId).thenApply(ApiReply::ok);
            }
            return operations.authorize(application, clientId, JsonBodies.callback(body, access.callbacks(),
                    refusal -> access.observer().refusedAtAuthorize(application.name(), refusal)))
                    .thenApply(ApiReply::ok);
        }
        if (first.equals("publish") && segments.size() == 1) {
            require(method, "POST", HttpMethod.POST);
            Optional<Application> caller = auth.caller(authorization, true);
            List<BatchTarget> targets = batches.read(body);
            return operations.publishBatch(caller, targets, requestId).thenApply(ApiReply::ok);
        }
        if (first.equals("publish") && (segments.size() == 2 || segments.size() == 3)
                && !segments.contains("")) {
            require(method, "POST", HttpMethod.POST);
            Optional<Application> caller = auth.caller(authorization, true);
            String socketId = segments.get(1);
            String plain = PlainMessageBody.text(body);
            String message = plain != null ? batches.checked(plain) : batches.single(body);
            if (!SocketIds.isWellFormed(socketId)) {
                throw PushOperations.socketNotFound();
            }
            String sessionId = segments.size() == 2 ? null : sessionId(segments.get(2));
            return operations.publish(caller, socketId, sessionId, message, requestId).thenApply(ApiReply::ok);
        }
        throw ApiException.notFound(ErrorCodes.NOT_FOUND,
                "No such path. The API has /authorize/<application_id>/<client_id>, /publish (a batch),"
                        + " /publish/<socket_id>, /publish/<socket_id>/<session_id>, /health, /health/live,"
                        + " /health/ready and /metrics.");
    }

    /**
     * The raw path's segments (after one leading {@code /}, up to a {@code ?} or {@code #}), split
     * at every {@code /}, empty ones kept: what {@code QueryStringDecoder.rawPath()} and
     * {@code split("/", -1)} give, without their garbage on the publish path.
     */
    static List<String> segments(String uri) {
        int end = uri.length();
        for (int i = 0; i < end; i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
            }
        }
        List<String> segments = new ArrayList<>(4);
        int start = end > 0 && uri.charAt(0) == '/' ? 1 : 0;
        for (int slash = uri.indexOf('/', start); slash >= 0 && slash < end; slash = uri.indexOf('/', start)) {
            segments.add(segment(uri, start, slash));
            start = slash + 1;
        }
        segments.add(segment(uri, start, end));
        return segments;
    }

    /** {@code uri}'s characters from {@code start} to {@code end}; the route's word itself if it is one (no copy). */
    private static String segment(String uri, int start, int end) {
        for (String word : ROUTE_WORDS) {
            if (end - start == word.length() && uri.startsWith(word, start)) {
                return word;
            }
        }
        return uri.substring(start, end);
    }

    /** As the list form, for one method: no array per publish. */
    private static void require(HttpMethod method, String allow, HttpMethod allowed) {
        if (!allowed.equals(method)) {
            throw ApiException.methodNotAllowed(allow);
        }
    }

    private static void require(HttpMethod method, String allow, HttpMethod... allowed) {
        for (HttpMethod candidate : allowed) {
            if (candidate.equals(method)) {
                return;
            }
        }
        throw ApiException.methodNotAllowed(allow);
    }

    private static String clientId(String raw) {
        String id = decode(raw);
        // Control characters would let a client id forge log lines.
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(ErrorCodes.INVALID_ID,
                    "The client id must be 1 to " + MAX_ID_LENGTH + " characters, none of them control characters.");
        }
        return id;
    }

    private static String sessionId(String raw) {
        String id = decode(raw);
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw ApiException.notFound(ErrorCodes.SESSION_NOT_FOUND, "The socket has no open session with this id.");
        }
        return id;
    }

    private static String decode(String raw) {
        try {
            return QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(ErrorCodes.INVALID_ID, "A path segment has a broken %-escape.");
        }
    }

    private static ApiException unknownApplication() {
        return new ApiException(HttpResponseStatus.FORBIDDEN, ErrorCodes.UNKNOWN_APPLICATION,
                "No application has this id; check the secret application id you were given.");
    }

}

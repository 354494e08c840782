package io.wildcloud.ws.push;

import io.wildcloud.ws.push.callback.CallbackPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * The push service's limits, with named defaults. The queue of pending messages per session is a
 * {@link io.wildcloud.ws.sockjs.session.SessionStore} setting; what a publish answers when it is
 * full is described on {@code ApiHandler}.
 *
 * @param maxMessageBytes the largest message, in UTF-8 bytes, that a browser may send (enforced by
 *     the SockJS layer through {@link io.wildcloud.ws.sockjs.SockJsOptions#maxMessageBytes}) and
 *     that a publish may deliver (413 {@code message_too_large})
 * @param maxApiBodyBytes the largest HTTP API request body (413 {@code body_too_large}); by
 *     default {@link #apiBodyBytesFor} of {@code maxMessageBytes}, because JSON escaping can make a
 *     message's text up to six times longer
 * @param maxSessionsPerSocket how many sessions one socket may have open at once; the next one is
 *     closed with {@link io.wildcloud.ws.common.sockjs.CloseCodes#TOO_MANY_SESSIONS}
 * @param socketIdleTimeout how long an unused socket lives (see {@link SocketStore})
 * @param callback how client messages are POSTed to applications
 * @param maxPublishTargets how many targets one batch publish ({@code POST /publish}) may name
 *     (413 {@code too_many_targets} beyond)
 * @param newSessionsPerSecond how many new sessions one socket may open a second on one node,
 *     sustained ({@link SessionOpenings}); more are refused with {@code 4429}
 * @param newSessionBurst how many it may open at once (many tabs, a reconnect); at least the rate
 * @param publishBytesPerSecond bytes one application's publishes may queue a second on one node,
 *     sustained: a message's UTF-8 bytes times the sessions that queued it ({@link PublishBudget})
 * @param publishByteBurst bytes they may queue at once; at least {@code publishBytesPerSecond}. A
 *     publish that could queue more (its bytes times every session it addresses) is refused whole
 * @param maxRequestIdsPerApplication request ids one application's publishes may make the store
 *     remember per {@link SocketStore#REQUEST_ID_WINDOW}, over the cluster
 *     ({@link SocketStore#countRequestIds}); a new one past it is refused with 429
 */
public record PushLimits(
        int maxMessageBytes,
        int maxApiBodyBytes,
        int maxSessionsPerSocket,
        Duration socketIdleTimeout,
        CallbackPolicy callback,
        int maxPublishTargets,
        int newSessionsPerSecond,
        int newSessionBurst,
        long publishBytesPerSecond,
        long publishByteBurst,
        long maxRequestIdsPerApplication) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_API_BODY_BYTES = apiBodyBytesFor(DEFAULT_MAX_MESSAGE_BYTES);
    public static final int DEFAULT_MAX_SESSIONS_PER_SOCKET = 64;
    public static final Duration DEFAULT_SOCKET_IDLE_TIMEOUT = Duration.ofHours(24);
    public static final int DEFAULT_MAX_PUBLISH_TARGETS = 1000;
    public static final int DEFAULT_NEW_SESSIONS_PER_SECOND = 1;
    public static final int DEFAULT_NEW_SESSION_BURST = DEFAULT_MAX_SESSIONS_PER_SOCKET;
    /** 64 MiB/s: README, "Publish budget", says why. */
    public static final long DEFAULT_PUBLISH_BYTES_PER_SECOND = 64L * 1024 * 1024;
    /** 256 MiB: four seconds of the rate, and what one socket's 64 session queues of 4 MiB hold. */
    public static final long DEFAULT_PUBLISH_BYTE_BURST = 256L * 1024 * 1024;
    /** 100,000 per 5 minutes: README, "Request ids", says why. */
    public static final long DEFAULT_MAX_REQUEST_IDS_PER_APPLICATION = 100_000;

    public PushLimits {
        Objects.requireNonNull(socketIdleTimeout, "socketIdleTimeout");
        Objects.requireNonNull(callback, "callback");
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1: " + maxMessageBytes);
        }
        if (maxApiBodyBytes < maxMessageBytes + 16) {
            throw new IllegalArgumentException("maxApiBodyBytes must leave room for a message of maxMessageBytes: "
                    + maxApiBodyBytes);
        }
        if (maxSessionsPerSocket < 1) {
            throw new IllegalArgumentException("maxSessionsPerSocket must be at least 1: " + maxSessionsPerSocket);
        }
        if (socketIdleTimeout.isNegative() || socketIdleTimeout.isZero()) {
            throw new IllegalArgumentException("socketIdleTimeout must be positive: " + socketIdleTimeout);
        }
        if (maxPublishTargets < 1) {
            throw new IllegalArgumentException("maxPublishTargets must be at least 1: " + maxPublishTargets);
        }
        if (newSessionsPerSecond < 1 || newSessionBurst < newSessionsPerSecond) {
            throw new IllegalArgumentException("newSessionsPerSecond must be at least 1 and newSessionBurst at least it: "
                    + newSessionsPerSecond + ", " + newSessionBurst);
        }
        if (publishBytesPerSecond < 1 || publishByteBurst < publishBytesPerSecond) {
            throw new IllegalArgumentException("publishBytesPerSecond must be at least 1 and publishByteBurst at least it: "
                    + publishBytesPerSecond + ", " + publishByteBurst);
        }
        if (maxRequestIdsPerApplication < 1) {
            throw new IllegalArgumentException("maxRequestIdsPerApplication must be at least 1: "
                    + maxRequestIdsPerApplication);
        }
    }

    /** With the default bound of a batch publish. */
    public PushLimits(int maxMessageBytes, int maxApiBodyBytes, int maxSessionsPerSocket, Duration socketIdleTimeout,
            CallbackPolicy callback) {
        this(maxMessageBytes, maxApiBodyBytes, maxSessionsPerSocket, socketIdleTimeout, callback,
                DEFAULT_MAX_PUBLISH_TARGETS, DEFAULT_NEW_SESSIONS_PER_SECOND, DEFAULT_NEW_SESSION_BURST,
                DEFAULT_PUBLISH_BYTES_PER_SECOND, DEFAULT_PUBLISH_BYTE_BURST, DEFAULT_MAX_REQUEST_IDS_PER_APPLICATION);
    }

    public static PushLimits defaults() {
        return new PushLimits(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_API_BODY_BYTES, DEFAULT_MAX_SESSIONS_PER_SOCKET,
                DEFAULT_SOCKET_IDLE_TIMEOUT, CallbackPolicy.defaults());
    }

    /** The API body limit never goes below this: room for an authorize with the longest callback URL. */
    public static final int MIN_API_BODY_BYTES = 4 * 1024;

    /**
     * The API body limit that goes with a message limit: room for the message JSON-escaped (up to
     * six times its UTF-8 length) and the rest of the body, at least {@link #MIN_API_BODY_BYTES}.
     * README and docs/push-api.md state it.
     */
    public static int apiBodyBytesFor(int maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(MIN_API_BODY_BYTES, 6L * maxMessageBytes + 1024));
    }

    /** Sets the message limit and, with it, the API body limit to {@link #apiBodyBytesFor} of it. */
    public PushLimits withMaxMessageBytes(int bytes) {
        return new PushLimits(bytes, apiBodyBytesFor(bytes), maxSessionsPerSocket, socketIdleTimeout, callback,
                maxPublishTargets, newSessionsPerSecond, newSessionBurst, publishBytesPerSecond, publishByteBurst,
                maxRequestIdsPerApplication);
    }

    public PushLimits withMaxApiBodyBytes(int bytes) {
        return new PushLimits(maxMessageBytes, bytes, maxSessionsPerSocket, socketIdleTimeout, callback,
                maxPublishTargets, newSessionsPerSecond, newSessionBurst, publishBytesPerSecond, publishByteBurst,
                maxRequestIdsPerApplication);
    }

    public PushLimits withMaxSessionsPerSocket(int sessions) {
        return new PushLimits(maxMessageBytes, maxApiBodyBytes, sessions, socketIdleTimeout, callback,
                maxPublishTargets, newSessionsPerSecond, newSessionBurst, publishBytesPerSecond, publishByteBurst,
                maxRequestIdsPerApplication);
    }

    public PushLimits withSocketIdleTimeout(Duration timeout) {
        return new PushLimits(maxMessageBytes, maxApiBodyBytes, maxSessionsPerSocket, timeout, callback,
                maxPublishTargets, newSessionsPerSecond, newSessionBurst, publishBytesPerSecond, publishByteBurst,
                maxRequestIdsPerApplication);
    }

    public PushLimits withMaxPublishTargets(int targets) {
        return new PushLimits(maxMessageBytes, maxApiBodyBytes, maxSessionsPerSocket, socketIdleTimeout, callback,
                targets, newSessionsPerSecond, newSessionBurst, publishBytesPerSecond, publishByteBurst,
                maxRequestIdsPerApplication);
    }

    /** How fast one socket may open new sessions on a node ({@link SessionOpenings}). */
    public PushLimits withNewSessions(int perSecond, int burst) {
        return new PushLimits(maxMessageBytes, maxApiBodyBytes, maxSessionsPerSocket, socketIdleTimeout, callback,
                maxPublishTargets, perSecond, burst, publishBytesPerSecond, publishByteBurst,
                maxRequestIdsPerApplication);
    }

    /** How many bytes one application's publishes may queue on a node ({@link PublishBudget}). */
    public PushLimits withPublishBytes(long perSecond, long burst) {
        return new PushLimits(maxMessageBytes, maxApiBodyBytes, maxSessionsPerSocket, socketIdleTimeout, callback,
                maxPublishTargets, newSessionsPerSecond, newSessionBurst, perSecond, burst,
                maxRequestIdsPerApplication);
    }

    public PushLimits withCallback(CallbackPolicy policy) {
        return new PushLimits(maxMessageBytes, maxApiBodyBytes, maxSessionsPerSocket, socketIdleTimeout, policy,
                maxPublishTargets, newSessionsPerSecond, newSessionBurst, publishBytesPerSecond, publishByteBurst,
                maxRequestIdsPerApplication);
    }

    /** How many request ids one application's publishes may make the store remember a window. */
    public PushLimits withMaxRequestIdsPerApplication(long max) {
        return new PushLimits(maxMessageBytes, maxApiBodyBytes, maxSessionsPerSocket, socketIdleTimeout, callback,
                maxPublishTargets, newSessionsPerSecond, newSessionBurst, publishBytesPerSecond, publishByteBurst, max);
    }
}

package io.wildcloud.ws.push.module;

import io.wildcloud.ws.push.ApplicationRegistry;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.PushMetrics;
import io.wildcloud.ws.push.PushService;
import io.wildcloud.ws.push.SocketEndpointResolver;
import io.wildcloud.ws.push.SocketStore;
import io.wildcloud.ws.push.api.ApiAccess;
import io.wildcloud.ws.push.api.ApiHandlers;
import io.wildcloud.ws.push.api.PushOperations;
import io.wildcloud.ws.push.callback.CallbackAddresses;
import io.wildcloud.ws.push.callback.CallbackDispatcher;
import io.wildcloud.ws.push.callback.CallbackObserver;
import io.wildcloud.ws.push.callback.CallbackStats;
import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The push service, wired: the one entry point the node's bootstrap uses.
 *
 * <pre>
 *   PushModule push = new PushModule(applications, socketStore, sessionStore, limits, sockJsOptions);
 *   // public port: SockJS at /&lt;socket_id&gt;
 *   sockJsRouter(push.resolver());
 *   // API port, per channel:
 *   pipeline.addLast("http-codec", new HttpServerCodec())
 *           .addLast("api-aggregator", push.api().newAggregator())   // JSON 413 over maxApiBodyBytes
 *           .addLast("health", healthHandler)                         // the node's: /health first
 *           .addLast("api", push.api().newHandler());
 *   // on SIGTERM, after the ports stopped accepting: push.drainCallbacks(timeout), then push.close();
 * </pre>
 */
public final class PushModule implements AutoCloseable {

    private final PushLimits limits;
    private final CallbackDispatcher callbacks;
    private final PushService service;
    private final SocketEndpointResolver resolver;
    private final ApiHandlers api;

    /**
     * @param sockJsOptions the public SockJS options; their {@code maxMessageBytes} is replaced by
     *     {@link PushLimits#maxMessageBytes()} so both directions share one limit
     */
    public PushModule(ApplicationRegistry applications, SocketStore sockets, SessionStore sessions, PushLimits limits,
            SockJsOptions sockJsOptions) {
        this(applications, sockets, sessions, limits, sockJsOptions, CallbackObserver.NONE);
    }

    /** With an observer of callbacks, for metrics. */
    public PushModule(ApplicationRegistry applications, SocketStore sockets, SessionStore sessions, PushLimits limits,
            SockJsOptions sockJsOptions, CallbackObserver callbackObserver) {
        this(applications, sockets, sessions, limits, sockJsOptions, callbackObserver, PushMetrics.NONE);
    }

    /** With an observer of callbacks and metrics of publishes. */
    public PushModule(ApplicationRegistry applications, SocketStore sockets, SessionStore sessions, PushLimits limits,
            SockJsOptions sockJsOptions, CallbackObserver callbackObserver,
            PushMetrics pushMetrics) {
        this(applications, sockets, sessions, limits, sockJsOptions, callbackObserver, pushMetrics,
                false);
    }

    /**
     * With an observer of callbacks, metrics of publishes, and whether publish and revoke need
     * {@code Authorization: Bearer} ({@code api-require-auth}). Callbacks may go where
     * {@code limits.callback().addresses()} allows, checked at authorize and at connect time.
     */
    public PushModule(ApplicationRegistry applications, SocketStore sockets, SessionStore sessions, PushLimits limits,
            SockJsOptions sockJsOptions, CallbackObserver callbackObserver,
            PushMetrics pushMetrics, boolean requireApiAuth) {
        this(applications, sockets, sessions, limits, sockJsOptions,
                new CallbackDispatcher(limits.callback(), callbackObserver), callbackObserver, pushMetrics,
                requireApiAuth);
    }

    /**
     * With the dispatcher that sends the callbacks (the node makes it on its own event loops); this
     * module closes it.
     */
    public PushModule(ApplicationRegistry applications, SocketStore sockets, SessionStore sessions, PushLimits limits,
            SockJsOptions sockJsOptions, CallbackDispatcher callbacks,
            CallbackObserver callbackObserver, PushMetrics pushMetrics, boolean requireApiAuth) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.service = new PushService(sockets, applications, callbacks, limits, pushMetrics);
        this.resolver = new SocketEndpointResolver(sockets,
                sockJsOptions.withMaxMessageBytes(limits.maxMessageBytes()), service);
        this.api = new ApiHandlers(applications, new PushOperations(sockets, sessions, pushMetrics, limits), limits.maxMessageBytes(),
                limits.maxApiBodyBytes(), limits.maxPublishTargets(), new ApiAccess(requireApiAuth, limits.callback().addresses(), callbackObserver));
    }

    /** Finds the SockJS endpoint of {@code /<socket_id>} on the public port. */
    public SockJsEndpointResolver resolver() {
        return resolver;
    }

    /** The SockJS service of every socket (for tests and embedding). */
    public PushService service() {
        return service;
    }

    /** The largest API request body (413 beyond). */
    public int maxApiBodyBytes() {
        return limits.maxApiBodyBytes();
    }

    /** Makes the API port's per-channel handlers. */
    public ApiHandlers api() {
        return api;
    }

    /** Where callbacks may go; the node tells it its own ports once bound. */
    public CallbackAddresses callbackAddresses() {
        return limits.callback().addresses();
    }

    /** Callback counters, for metrics. */
    public CallbackStats callbackStats() {
        return callbacks.stats();
    }

    public PushLimits limits() {
        return limits;
    }

    /**
     * Waits (without blocking) until every client message taken on has been POSTed or given up, at
     * most {@code within}; {@code true} if that happened. A draining node calls it before
     * {@link #close}.
     */
    public CompletionStage<Boolean> drainCallbacks(Duration within) {
        return callbacks.whenIdle(within);
    }

    /** Stops the callback client; callbacks still pending are given up and counted. */
    @Override
    public void close() {
        callbacks.close();
    }
}

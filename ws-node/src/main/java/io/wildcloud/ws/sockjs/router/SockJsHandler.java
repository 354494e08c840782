package io.wildcloud.ws.sockjs.router;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.sockjs.ClientAddresses;
import io.wildcloud.ws.sockjs.PeerPolicy;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.UnknownEndpointLimit;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.http.SockJsResponses;
import io.wildcloud.ws.sockjs.http.StaticPages;
import io.wildcloud.ws.sockjs.session.LogTag;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.sockjs.transport.EventSourceTransport;
import io.wildcloud.ws.sockjs.transport.HtmlFileTransport;
import io.wildcloud.ws.sockjs.transport.HttpTransport;
import io.wildcloud.ws.sockjs.transport.JsonpPollingTransport;
import io.wildcloud.ws.sockjs.transport.JsonpSendTransport;
import io.wildcloud.ws.sockjs.transport.SockJsRuntime;
import io.wildcloud.ws.sockjs.transport.WebSocketTransport;
import io.wildcloud.ws.sockjs.transport.XhrPollingTransport;
import io.wildcloud.ws.sockjs.transport.XhrSendTransport;
import io.wildcloud.ws.sockjs.transport.XhrStreamingTransport;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS server: routes every request under {@code /<prefix>/...} to the greeting, the info
 * and iframe pages, or a transport, once the resolver has found the prefix's endpoint.
 *
 * <p>Last in the public port's pipeline ({@link io.wildcloud.ws.edge.PipelineNames#SOCKJS}). One
 * instance serves all channels. A websocket upgrade replaces it in its channel's pipeline with the
 * connection's own handlers.
 */
@ChannelHandler.Sharable
public final class SockJsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(SockJsHandler.class);

    private final SockJsEndpointResolver resolver;
    private final Map<TransportType, HttpTransport> transports = new EnumMap<>(TransportType.class);
    private final WebSocketTransport websocket;
    private final SockJsRuntime runtime;
    private final ClientAddresses clients;

    /**
     * @param nodeId this node's name in {@link io.wildcloud.ws.sockjs.session.ReceiverId}s
     */
    public SockJsHandler(SockJsEndpointResolver resolver, SessionStore store, String nodeId) {
        this(resolver, store, nodeId, SockJsMetrics.NONE);
    }

    /** With metrics of sessions, connections and messages. */
    public SockJsHandler(SockJsEndpointResolver resolver, SessionStore store, String nodeId, SockJsMetrics metrics) {
        this(resolver, store, nodeId, metrics, PeerPolicy.defaults());
    }

    /** With metrics, and a policy for peers (allowed origins, control-frame rates). */
    public SockJsHandler(SockJsEndpointResolver resolver, SessionStore store, String nodeId, SockJsMetrics metrics,
            PeerPolicy policy) {
        this(resolver, store, nodeId, metrics, policy, ClientAddresses.PEER);
    }

    /**
     * With metrics, a policy for peers, and how to tell a request's client (behind a trusted
     * proxy, the client its {@code X-Forwarded-For} names), whose address each budget of the
     * policy is kept for.
     */
    public SockJsHandler(SockJsEndpointResolver resolver, SessionStore store, String nodeId, SockJsMetrics metrics,
            PeerPolicy policy, ClientAddresses clients) {
        this.resolver = resolver;
        this.clients = clients;
        this.runtime = new SockJsRuntime(store, nodeId, metrics, policy);
        this.websocket = new WebSocketTransport(runtime);
        transports.put(TransportType.WEBSOCKET, websocket);
        transports.put(TransportType.XHR, new XhrPollingTransport(runtime));
        transports.put(TransportType.XHR_SEND, new XhrSendTransport(runtime));
        transports.put(TransportType.XHR_STREAMING, new XhrStreamingTransport(runtime));
        transports.put(TransportType.EVENTSOURCE, new EventSourceTransport(runtime));
        transports.put(TransportType.HTMLFILE, new HtmlFileTransport(runtime));
        transports.put(TransportType.JSONP, new JsonpPollingTransport(runtime));
        transports.put(TransportType.JSONP_SEND, new JsonpSendTransport(runtime));
        store.setExpiryListener(new ExpiryNotifier(resolver, store, metrics));
    }

    /**
     * The node is going away: every held poll and stream releases its slot and ends (a poll with
     * a heartbeat, a stream with its terminating chunk), every websocket closes with going-away
     * (1001), and so does every one that starts from now on. The clients go on, through the
     * balancer, on other nodes; what is queued for their sessions stays in the store. Completes
     * when no connection is left; the caller bounds the wait.
     */
    public CompletionStage<Void> drain() {
        int count = runtime.live().size();
        log.info("node {}: draining {} live SockJS connection(s)", runtime.nodeId(), count);
        return runtime.live().drain();
    }

    /** The sessions with a held request or a websocket on this node now. */
    public java.util.List<SessionKey> liveSessions() {
        return runtime.live().sessions();
    }

    /** How many held requests and websockets this node serves now. */
    public int liveConnections() {
        return runtime.live().size();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        SockJsRequest request = SockJsRequest.of(msg);
        if (!msg.decoderResult().isSuccess()) {
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.BAD_REQUEST, "Bad request.");
            return;
        }
        SockJsPath path = SockJsPath.parse(request.rawPath());
        if (path == null) {
            SockJsResponses.sendNotFound(ctx, request);
            return;
        }
        if (!runtime.policy().allowedOrigins().allows(request.header(HttpHeaderNames.ORIGIN))) {
            // Refused whatever the path, preflights and simple requests alike: a page of a foreign
            // origin may not even send (an xhr_send with text/plain needs no preflight).
            SockJsResponses.sendJsonError(ctx, request, HttpResponseStatus.FORBIDDEN, "origin_not_allowed",
                    "Pages of this origin may not use this service; its operator lists the allowed ones"
                            + " in the setting allowed-origins.");
            return;
        }
        // A client that named endpoint after endpoint that does not exist is answered as an unknown
        // one is, without asking the store, unless this one was found live here lately.
        UnknownEndpointLimit unknown = runtime.unknownEndpoints();
        if (unknown.isOn()) {
            InetAddress client = clients.of(ctx.channel(), msg);
            if (!unknown.mayAsk(client, path.prefix(), System.nanoTime())) {
                runtime.metrics().unknownEndpointRefused();
                SockJsResponses.sendNotFound(ctx, request);
                return;
            }
            request.whenNotFound(() -> unknown.notFound(client));
        }
        resolve(path, request).whenComplete((endpoint, error) ->
                SockJsRuntime.onLoop(ctx, () -> route(ctx, request, path, endpoint, error)));
    }

    private void route(ChannelHandlerContext ctx, SockJsRequest request, SockJsPath path,
            Optional<SockJsEndpoint> found, Throwable error) {
        if (error != null) {
            log.warn("{} cannot resolve prefix {}: {}", ctx.channel(), LogTag.of(path.prefix()), error.toString());
            SockJsResponses.sendText(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, "Service unavailable, retry.");
            return;
        }
        if (found == null || found.isEmpty()) {
            SockJsResponses.sendNotFound(ctx, request);
            return;
        }
        SockJsEndpoint endpoint = found.get();
        if (endpoint.acceptsNewSessions() && !endpoint.liveCheckedAtClaim()) {
            runtime.unknownEndpoints().live(endpoint.scope()); // looked up and found
        }
        if (!endpoint.acceptsNewSessions() && !servesExistingSessions(path)) {
            // A gone endpoint (a revoked socket) looks unknown; only its sessions' close frames remain.
            SockJsResponses.sendNotFound(ctx, request);
            return;
        }
        HttpMethod method = request.method();
        switch (path.kind()) {
            case GREETING -> {
                if (method.equals(HttpMethod.GET)) {
                    StaticPages.greeting(ctx, request);
                } else {
                    SockJsResponses.sendMethodNotAllowed(ctx, request, "GET");
                }
            }
            case INFO -> {
                if (method.equals(HttpMethod.GET)) {
                    StaticPages.info(ctx, request, endpoint.options(), runtime.policy().allowedOrigins());
                } else if (method.equals(HttpMethod.OPTIONS)) {
                    SockJsResponses.sendPreflight(ctx, request, "OPTIONS, GET");
                } else {
                    SockJsResponses.sendMethodNotAllowed(ctx, request, "OPTIONS, GET");
                }
            }
            case IFRAME -> {
                if (method.equals(HttpMethod.GET)) {
                    StaticPages.iframe(ctx, request, endpoint.options());
                } else {
                    SockJsResponses.sendMethodNotAllowed(ctx, request, "GET");
                }
            }
            case RAW_WEBSOCKET -> {
                if (endpoint.options().websocketEnabled()) {
                    websocket.handleRaw(ctx, request, endpoint);
                } else {
                    SockJsResponses.sendNotFound(ctx, request);
                }
            }
            case SESSION -> session(ctx, request, path, endpoint);
        }
    }

    /** Each kind of request by the resolver's cheapest way for it (see {@link SockJsEndpointResolver}). */
    private CompletionStage<Optional<SockJsEndpoint>> resolve(SockJsPath path, SockJsRequest request) {
        String prefix = path.prefix();
        if (isSend(path)) {
            return resolver.resolveForSend(prefix);
        }
        if (isUpgrade(path, request)) {
            return resolver.resolveForUpgrade(prefix);
        }
        return switch (path.kind()) {
            case SESSION -> resolver.resolveForSession(prefix, path.sessionId());
            case GREETING, IFRAME -> resolver.resolveForPage(prefix);
            case INFO, RAW_WEBSOCKET -> resolver.resolve(prefix);
        };
    }

    private static boolean isSend(SockJsPath path) {
        return path.kind() == SockJsPath.Kind.SESSION && path.transport().role() == TransportType.Role.SENDING;
    }

    /** A websocket upgrade that goes as far as its claim: resolved without a look-up, the claim checks the endpoint. */
    private static boolean isUpgrade(SockJsPath path, SockJsRequest request) {
        return (path.kind() == SockJsPath.Kind.RAW_WEBSOCKET
                || path.kind() == SockJsPath.Kind.SESSION && path.transport() == TransportType.WEBSOCKET)
                && WebSocketTransport.isUpgradeRequest(request);
    }

    /**
     * What a gone endpoint still serves: the session requests of HTTP transports. Receiving ones
     * claim only existing sessions (see the transports); xhr_send and jsonp_send answer by the
     * session's state as always.
     */
    private static boolean servesExistingSessions(SockJsPath path) {
        return path.kind() == SockJsPath.Kind.SESSION && path.transport() != TransportType.WEBSOCKET;
    }

    private void session(ChannelHandlerContext ctx, SockJsRequest request, SockJsPath path, SockJsEndpoint endpoint) {
        TransportType type = path.transport();
        if (type == TransportType.WEBSOCKET && !endpoint.options().websocketEnabled()) {
            SockJsResponses.sendNotFound(ctx, request);
            return;
        }
        HttpMethod method = request.method();
        if (type.cors() && method.equals(HttpMethod.OPTIONS)) {
            SockJsResponses.sendPreflight(ctx, request, type.allowHeader());
        } else if (!method.equals(type.method())) {
            SockJsResponses.sendMethodNotAllowed(ctx, request, type.allowHeader());
        } else {
            transports.get(type).handle(ctx, request, endpoint, new SessionKey(endpoint.scope(), path.sessionId()));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A client that went away (reset, or closed mid-request) is not an error of ours.
        if (cause instanceof java.io.IOException
                || cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            log.debug("{} connection failed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("{} unexpected failure, closing the connection", ctx.channel(), cause);
        }
        ctx.close();
    }
}

package io.wildcloud.ws.edge;

import java.util.List;

/**
 * The name of every handler in a node's pipelines, and the pipelines themselves, socket first
 * ({@code PipelinesTest} in ws-node's tests builds each one with the node's own initializers and
 * holds it to these lists, and this drawing to the lists):
 *
 * <pre>
 * public port: write-backlog -> byte-watcher -> http-codec -> request-guard -> intake-handoff
 *              -> pipelined-requests -> drain -> http-aggregator -> health -> sockjs-client-script -> sockjs
 * websocket:   write-backlog -> ws-message-memory -> wsencoder -> wsdecoder -> sockjs-websocket-control-frames
 *              -> sockjs-websocket-close -> sockjs-websocket-utf8 -> sockjs-websocket-protocol
 *              -> sockjs-websocket-aggregator -> sockjs-websocket
 * API port:    write-backlog -> byte-watcher -> http-codec -> request-guard -> intake-handoff -> drain
 *              -> api-aggregator -> health -> metrics -> api
 * </pre>
 *
 * <ul>
 * <li>{@code write-backlog} ({@code WriteBacklogLimit}) bounds what waits for the peer to read, once
 *     per connection, whatever was written.
 * <li>{@code byte-watcher} and {@code request-guard} are one connection's {@code RequestGuard}: the
 *     watcher sees the first bytes of a head the codec still holds, the guard the decoded requests.
 * <li>{@code intake-handoff} ({@code IntakeHandoff}): every connection starts on the node's one-thread
 *     intake loop, where health checks are answered; at its first other request it moves to a worker
 *     loop for good and removes itself (so an open websocket's pipeline no longer has it).
 * <li>{@code pipelined-requests} ({@code PipelinedRequests}, public port only): serves a connection's
 *     requests one at a time, in order; one pipelined behind an answer in progress waits there, and
 *     reading stops. Before the aggregator, so that a waiting request's {@code 100-continue} waits too.
 * <li>{@code drain} ({@code DrainingConnections}) closes idle keep-alive connections of a draining node.
 * <li>{@code health} answers {@code /health*} and passes the rest on; {@code sockjs-client-script}
 *     serves {@code /sockjs-client/*}; {@code sockjs} ({@code SockJsHandler}) routes the rest.
 * <li>A websocket upgrade puts the {@code sockjs-websocket-*} handlers where {@code sockjs} was
 *     ({@code WebSocketUpgrade}). Netty's handshake then puts its frame encoder and decoder
 *     ({@code wsencoder}, {@code wsdecoder}: Netty's names) in place of {@code http-codec} and
 *     removes {@code http-aggregator}; until the 101 goes out, its handshake handler sits before
 *     {@code sockjs-websocket-protocol}. The pages ({@code health}, {@code sockjs-client-script})
 *     go at the upgrade, the guard, {@code pipelined-requests} and the drain handler when the 101 goes
 *     out: HTTP handlers have nothing left to do, and each costs an idle websocket a context. The
 *     byte watcher's place goes to {@code ws-message-memory} ({@code WebSocketMessageMemory}), which
 *     reserves an unfinished message's bytes from the port's request memory (1013 when spent). The
 *     control-frame budget comes before Netty's protocol handler, which answers pings itself, so
 *     that it sees every one.
 * </ul>
 *
 * <p>Keep compression and idle handlers with a timeout below the heartbeat interval out of the
 * public pipeline: streams send one frame per chunk and sit idle between heartbeats.
 */
public final class PipelineNames {

    public static final String WRITE_BACKLOG = "write-backlog";
    public static final String BYTE_WATCHER = "byte-watcher";
    public static final String HTTP_CODEC = "http-codec";
    public static final String REQUEST_GUARD = "request-guard";
    public static final String INTAKE_HANDOFF = "intake-handoff";
    public static final String PIPELINED_REQUESTS = "pipelined-requests";
    public static final String DRAIN = "drain";
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    public static final String API_AGGREGATOR = "api-aggregator";
    public static final String HEALTH = "health";
    public static final String CLIENT_SCRIPT = "sockjs-client-script";
    public static final String SOCKJS = "sockjs";
    /** Netty's name for the websocket frame encoder its handshake adds. */
    public static final String WS_ENCODER = "wsencoder";
    /** {@code WebSocketMessageMemory}, in the byte watcher's place from the 101 on. */
    public static final String WS_MESSAGE_MEMORY = "ws-message-memory";
    /** Netty's name for the websocket frame decoder its handshake adds. */
    public static final String WS_DECODER = "wsdecoder";
    public static final String WS_CONTROL_FRAMES = "sockjs-websocket-control-frames";
    public static final String WS_CLOSE_HANDSHAKE = "sockjs-websocket-close";
    public static final String WS_UTF8_VALIDATOR = "sockjs-websocket-utf8";
    public static final String WS_PROTOCOL = "sockjs-websocket-protocol";
    public static final String WS_AGGREGATOR = "sockjs-websocket-aggregator";
    public static final String WEBSOCKET = "sockjs-websocket";
    public static final String METRICS = "metrics";
    public static final String API = "api";

    /** The public port's pipeline for HTTP. */
    public static final List<String> PUBLIC_PORT = List.of(WRITE_BACKLOG, BYTE_WATCHER, HTTP_CODEC, REQUEST_GUARD,
            INTAKE_HANDOFF, PIPELINED_REQUESTS, DRAIN, HTTP_AGGREGATOR, HEALTH, CLIENT_SCRIPT, SOCKJS);

    /** The public port's pipeline once a websocket is open. */
    public static final List<String> WEBSOCKET_CONNECTION = List.of(WRITE_BACKLOG, WS_MESSAGE_MEMORY, WS_ENCODER, WS_DECODER,
            WS_CONTROL_FRAMES, WS_CLOSE_HANDSHAKE, WS_UTF8_VALIDATOR, WS_PROTOCOL, WS_AGGREGATOR, WEBSOCKET);

    /** The API port's pipeline. */
    public static final List<String> API_PORT = List.of(WRITE_BACKLOG, BYTE_WATCHER, HTTP_CODEC, REQUEST_GUARD,
            INTAKE_HANDOFF, DRAIN, API_AGGREGATOR, HEALTH, METRICS, API);

    private PipelineNames() {
    }
}

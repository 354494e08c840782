package io.wildcloud.ws.node;

/**
 * The name of every handler a node puts in a pipeline, in pipeline order (socket first).
 *
 * <pre>
 * public port:  write-backlog -> byte-watcher -> http-codec -> request-guard -> intake-handoff -> drain -> http-aggregator
 *               -> health -> sockjs-client-script -> sockjs
 * a websocket:  write-backlog -> byte-watcher -> wsencoder -> wsdecoder -> request-guard -> drain
 *               -> health -> sockjs-client-script -> sockjs-websocket-control-frames -> sockjs-websocket-close
 *               -> sockjs-websocket-utf8 -> sockjs-websocket-protocol -> sockjs-websocket-aggregator
 *               -> sockjs-websocket
 * API port:     write-backlog -> byte-watcher -> http-codec -> request-guard -> intake-handoff -> drain -> api-aggregator
 *               -> health
 *               -> metrics -> api
 * </pre>
 *
 * The byte watcher and the request guard are one connection's {@code RequestGuard}: the watcher
 * sees the first bytes of a head the codec still holds, the guard the decoded requests.
 *
 * <p>Every connection starts on the intake event loop; {@code intake-handoff} answers nothing
 * itself, but moves the connection to a worker loop at its first request that is not a health
 * check, and removes itself (so a websocket's pipeline, drawn above, no longer has it).
 *
 * <p>A websocket upgrade puts the {@code sockjs-websocket-*} handlers where {@code sockjs} was (see
 * {@code WebSocketUpgrade}); Netty's handshake then replaces {@code http-codec} with its frame
 * encoder and decoder and removes {@code http-aggregator}. Until the 101 goes out, Netty's
 * handshake handler sits before {@code sockjs-websocket-protocol}. The guard, the drain handler and
 * the pages stay, and pass frames on: after the 101 they leave the connection alone. The control-frame
 * budget comes before Netty's protocol handler, which answers pings itself, so that it sees every one.
 */
final class PipelineNames {

    static final String WRITE_BACKLOG = "write-backlog";
    static final String BYTE_WATCHER = "byte-watcher";
    static final String HTTP_CODEC = "http-codec";
    static final String REQUEST_GUARD = "request-guard";
    static final String INTAKE_HANDOFF = "intake-handoff";
    static final String DRAIN = "drain";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String API_AGGREGATOR = "api-aggregator";
    static final String HEALTH = "health";
    static final String CLIENT_SCRIPT = io.wildcloud.ws.sockjs.http.ClientScriptHandler.NAME;
    static final String SOCKJS = io.wildcloud.ws.sockjs.http.SockJsHandler.NAME;
    static final String WS_CONTROL_FRAMES = io.wildcloud.ws.sockjs.transport.WebSocketTransport.CONTROL_FRAMES_NAME;
    static final String WS_CLOSE_HANDSHAKE = io.wildcloud.ws.sockjs.transport.WebSocketTransport.CLOSE_HANDSHAKE_NAME;
    static final String WS_UTF8_VALIDATOR = io.wildcloud.ws.sockjs.transport.WebSocketTransport.UTF8_VALIDATOR_NAME;
    static final String WS_PROTOCOL = io.wildcloud.ws.sockjs.transport.WebSocketTransport.PROTOCOL_NAME;
    static final String WS_AGGREGATOR = io.wildcloud.ws.sockjs.transport.WebSocketTransport.AGGREGATOR_NAME;
    static final String WEBSOCKET = io.wildcloud.ws.sockjs.transport.WebSocketTransport.HANDLER_NAME;
    static final String METRICS = "metrics";
    static final String API = "api";

    private PipelineNames() {
    }
}

package io.wildcloud.ws.node;

/**
 * The name of every handler a node puts in a pipeline, in pipeline order.
 *
 * <pre>
 * public port:  write-backlog -> byte-watcher -> http-codec -> request-guard -> drain -> http-aggregator
 *               -> health -> client-script -> sockjs
 *                                  (a websocket upgrade swaps sockjs for the connection's handler)
 * API port:     write-backlog -> byte-watcher -> http-codec -> request-guard -> drain -> api-aggregator -> health
 *               -> metrics -> api
 * </pre>
 *
 * The byte watcher and the request guard are one connection's {@code RequestGuard}: the watcher
 * sees the first bytes of a head the codec still holds, the guard the decoded requests.
 */
final class PipelineNames {

    static final String WRITE_BACKLOG = "write-backlog";
    static final String BYTE_WATCHER = "byte-watcher";
    static final String HTTP_CODEC = "http-codec";
    static final String REQUEST_GUARD = "request-guard";
    static final String DRAIN = "drain";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String API_AGGREGATOR = "api-aggregator";
    static final String HEALTH = "health";
    static final String CLIENT_SCRIPT = io.wildcloud.ws.sockjs.http.ClientScriptHandler.NAME;
    static final String SOCKJS = io.wildcloud.ws.sockjs.http.SockJsHandler.NAME;
    static final String METRICS = "metrics";
    static final String API = "api";

    private PipelineNames() {
    }
}

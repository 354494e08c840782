/**
 * The SockJS server's HTTP side: the router ({@link io.wildcloud.ws.sockjs.http.SockJsHandler}),
 * the pages that need no session (greeting, {@code /info}, iframe), the sockjs-client script
 * ({@link io.wildcloud.ws.sockjs.http.ClientScriptHandler}) and the HTTP rules every response
 * shares ({@link io.wildcloud.ws.sockjs.http.HttpResponses}: caching, CORS, JSESSIONID, keep-alive).
 *
 * <h2>Pipeline</h2>
 * <pre>
 *   "http-codec"            HttpServerCodec
 *   "http-aggregator"       HttpObjectAggregator(at least 3 x maxMessageBytes: jsonp_send form-encodes)
 *   ... node handlers that answer their own paths (e.g. /health) and pass the rest on ...
 *   "sockjs-client-script"  ClientScriptHandler   (shared; /sockjs-client/*, passes the rest on)
 *   "sockjs"                SockJsHandler         (shared; everything else, last)
 * </pre>
 * A websocket upgrade replaces {@code "sockjs"} with the websocket's handlers (Netty's
 * {@code WebSocketServerProtocolHandler} among them, see {@code WebSocketUpgrade} and the node's
 * {@code PipelineNames}); Netty's handshake then swaps the codec for websocket frame codecs and
 * removes the aggregator. Keep compression and idle handlers with a timeout
 * below the heartbeat interval out of this pipeline: streams send one frame per chunk and sit
 * idle between heartbeats.
 */
package io.wildcloud.ws.sockjs.http;

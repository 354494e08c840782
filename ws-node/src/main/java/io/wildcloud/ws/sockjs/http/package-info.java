/**
 * The HTTP basics of the SockJS server, below the transports and the router: the request a
 * handler reads ({@link io.wildcloud.ws.sockjs.http.SockJsRequest}), the HTTP rules every
 * response shares ({@link io.wildcloud.ws.sockjs.http.SockJsResponses}: caching, CORS,
 * JSESSIONID, keep-alive), the pages that need no session (greeting, {@code /info}, iframe:
 * {@link io.wildcloud.ws.sockjs.http.StaticPages}) and the sockjs-client script
 * ({@link io.wildcloud.ws.sockjs.http.ClientScriptHandler}). Where each handler sits in the
 * pipeline: {@link io.wildcloud.ws.edge.PipelineNames}.
 */
package io.wildcloud.ws.sockjs.http;

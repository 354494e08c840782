/**
 * The SockJS router ({@link io.wildcloud.ws.sockjs.router.SockJsHandler}): parses the path
 * ({@link io.wildcloud.ws.sockjs.router.SockJsPath}), has the resolver find the prefix's endpoint
 * and hands the request to a page or a transport. It sits above both: {@code sockjs.http} and
 * {@code sockjs.transport} know nothing of it.
 */
package io.wildcloud.ws.sockjs.router;

/**
 * The push service: applications authorize their clients, browsers connect over SockJS to
 * {@code /<socket_id>} on the public port, client messages are POSTed to the application's
 * callback, and the application publishes to a socket or one of its sessions through the HTTP API
 * on its own port. The service knows nothing of transports ({@code io.wildcloud.ws.sockjs}) or of
 * where state lives ({@link io.wildcloud.ws.push.SocketStore}, and the SockJS
 * {@link io.wildcloud.ws.sockjs.session.SessionStore}).
 *
 * <h2>HTTP API (see {@code api.ApiRoutes})</h2>
 * <table>
 *   <caption>Routes</caption>
 *   <tr><th>Request</th><th>Success</th></tr>
 *   <tr><td>{@code POST /authorize/<application_id>/<client_id>} {@code {"callback":"https://..."}}</td>
 *       <td>200 {@code {"socket_id":"..."}}: the same id while the socket lives; the callback is updated</td></tr>
 *   <tr><td>{@code DELETE /authorize/<application_id>/<client_id>}</td>
 *       <td>200 {@code {"socket_id":"...","sessions_closed":n}}; sessions get {@code c[4001,"Socket revoked"]}</td></tr>
 *   <tr><td>{@code POST /publish/<socket_id>} {@code {"message": value}}</td>
 *       <td>200 {@code {"sessions":n,"queue_full":m}}: handed to n sessions, m refused (full queue)</td></tr>
 *   <tr><td>{@code POST /publish/<socket_id>/<session_id>} {@code {"message": value}}</td>
 *       <td>200 {@code {"sessions":1,"queue_full":0}}, or 429 {@code queue_full}</td></tr>
 * </table>
 * A string message is delivered as it is; any other JSON value except {@code null} as its compact
 * JSON text ({@code {"a":1}} arrives as the string {@code {"a":1}}); {@code null} is a 400.
 * Errors are {@code {"error":"<code>","message":"<what to do>"}} (codes in
 * {@link io.wildcloud.ws.common.api.ErrorCodes}): 400 {@code malformed_json}, {@code missing_field},
 * {@code invalid_field}, {@code invalid_callback}, {@code invalid_id}; 403
 * {@code unknown_application} (nothing created); 404 {@code not_found}, {@code socket_not_found},
 * {@code session_not_found}; 405 {@code method_not_allowed} with {@code Allow}; 413
 * {@code body_too_large}, {@code message_too_large}; 429 {@code queue_full}; 503
 * {@code store_unavailable}; 500 {@code internal_error}.
 *
 * <h2>Close codes (see {@link io.wildcloud.ws.common.sockjs.CloseCodes})</h2>
 * 4001 socket revoked; 4002 too many sessions for the socket; 4004 socket unknown (revoked or
 * expired); 4503 the store was unreachable when the session opened. A session that cannot join its
 * socket's index (4002, 4004, 4503 at open) gets the close frame instead of its open frame.
 *
 * <p>A revoked socket is gone at once: {@code /info} and new sessions get 404. Its sessions get
 * {@code c[4001,"Socket revoked"]} on the connection they hold (a websocket, a stream, or the poll
 * that sockjs-client keeps waiting). A polling client caught between two polls gets a 404 on its
 * next one instead, which sockjs-client reports as close code 1006.
 *
 * <h2>Limits ({@link io.wildcloud.ws.push.PushLimits})</h2>
 * <ul>
 *   <li>Message size (default 64 KiB, UTF-8): a larger browser message is refused by the SockJS
 *       layer; a larger published message gets 413 {@code message_too_large}. An API body over
 *       {@code maxApiBodyBytes} gets 413 {@code body_too_large}.</li>
 *   <li>Sessions per socket (default 64, the node setting {@code sessions-per-socket}):
 *       the next session receives {@code c[4002,...]} instead of its open frame.</li>
 *   <li>Pending messages per session (the session store's bound): a publish to that session gets
 *       429, a publish to the socket counts it in {@code queue_full}; nothing queued is dropped.</li>
 *   <li>Socket idle timeout (default 24 h): an unused socket is forgotten; see
 *       {@link io.wildcloud.ws.push.SocketStore} for what counts as use.</li>
 *   <li>Callbacks ({@link io.wildcloud.ws.push.callback.CallbackPolicy}): timeout per attempt,
 *       retry budget, concurrency overall and per callback origin. A message whose retries run out
 *       is dropped, counted ({@code givenUp}) and logged at WARN.</li>
 * </ul>
 */
package io.wildcloud.ws.push;

/**
 * The SockJS transports, one class each, over the {@link io.wildcloud.ws.sockjs.session.SessionStore}.
 *
 * <p>A receiving request (poll, stream) or websocket is one {@code SessionReceiver}, the one state
 * machine that claims the session's receiver slot, has the service admit a new session before its
 * open, queues early store events, drops repeats, acknowledges, drains, ends when evicted and lets
 * the slot go; it is the store's {@link io.wildcloud.ws.sockjs.session.Receiver} until it ends.
 * A transport adds its {@code SessionLifetime} (polls and streams release the slot when the request
 * ends; a websocket's session lives and dies with the connection) and its framing and writes
 * ({@code ReceiverTransport}): {@code PollingReceiver}, {@code StreamingReceiver},
 * {@code SockJsWebSocketReceiver}, {@code RawWebSocketReceiver}. Websockets are framed by Netty's
 * {@code WebSocketServerProtocolHandler} ({@code WebSocketUpgrade}). Sending requests
 * ({@code MessageSender}) only ask the store whether the session is open and hand the messages to
 * the service. Nothing of a session stays in the node beyond the connection that holds it, so any
 * request may land on any node.
 *
 * <p>Threading: all state of a request lives on its channel's event loop; store and resolver
 * callbacks hop there through {@link io.wildcloud.ws.sockjs.transport.SockJsRuntime#onLoop}.
 */
package io.wildcloud.ws.sockjs.transport;

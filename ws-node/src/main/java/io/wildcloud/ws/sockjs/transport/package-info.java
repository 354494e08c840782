/**
 * The SockJS transports, one class each, over the {@link io.wildcloud.ws.sockjs.session.SessionStore}.
 *
 * <p>A receiving request (poll, stream, websocket) claims its session's receiver slot in the
 * store and is the store's {@link io.wildcloud.ws.sockjs.session.Receiver} until it ends: polls
 * ({@code PollingReceiver}) release the slot before they answer, streams
 * ({@code StreamingReceiver}) acknowledge what they wrote in coalesced batches and release before
 * the terminating chunk, websockets ({@code WebSocketConnection}) create a session that lives and
 * dies with the connection. Sending requests ({@code MessageSender}) only ask the store whether
 * the session is open and hand the messages to the service. Nothing of a session stays in the
 * node beyond the connection that holds it, so any request may land on any node.
 *
 * <p>Threading: all state of a request lives on its channel's event loop; store and resolver
 * callbacks hop there through {@link io.wildcloud.ws.sockjs.transport.SockJsRuntime#onLoop}.
 */
package io.wildcloud.ws.sockjs.transport;

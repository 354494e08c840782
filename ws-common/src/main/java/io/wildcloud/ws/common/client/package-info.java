/**
 * A small Java client of the push service for applications: {@link io.wildcloud.ws.common.client.PushClient}
 * (authorize, revoke, publish; blocking and asynchronous) and
 * {@link io.wildcloud.ws.common.client.CallbackVerifier} (the signature check of the node's callbacks).
 * Needs only the JDK's {@code java.net.http} and Gson. Error answers come as
 * {@link io.wildcloud.ws.common.client.PushApiException} and its subclasses, one per status that
 * an application handles differently.
 */
package io.wildcloud.ws.common.client;

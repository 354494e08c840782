/**
 * The push service wired ({@link io.wildcloud.ws.push.module.PushModule}): the service, the
 * callback dispatcher, the SockJS endpoint resolver and the API's handlers, built once from the
 * node's stores and limits. It sits above {@code push}, {@code push.api} and {@code push.callback}
 * so that the push core ({@code push}) needs neither the API nor Netty.
 */
package io.wildcloud.ws.push.module;

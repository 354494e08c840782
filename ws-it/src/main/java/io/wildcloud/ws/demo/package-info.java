/**
 * The demo: a small example application, apart from the node, that shows the whole flow in a
 * browser. Its server ({@link io.wildcloud.ws.demo.DemoServer}) serves a chat page on its own
 * origin, authorizes each visitor with the application secret (the secret never reaches the
 * browser), checks the signature of every callback and publishes each line to every visitor's socket, both
 * with the Java client of {@code ws-common} ({@link io.wildcloud.ws.common.client.CallbackVerifier},
 * {@link io.wildcloud.ws.common.client.PushClient}), as a Java application would.
 * The page lets the visitor pick any SockJS transport.
 *
 * <p>Start it, with a node embedded in the same JVM, with
 * {@code java -jar ws-it/target/ws-it-0.1.0-SNAPSHOT-demo.jar} and open http://127.0.0.1:8090/
 * ({@link io.wildcloud.ws.demo.DemoMain} lists the flags). The browser tests drive this page too.
 */
package io.wildcloud.ws.demo;

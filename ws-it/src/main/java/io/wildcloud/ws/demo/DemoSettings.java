package io.wildcloud.ws.demo;

import java.net.URI;
import java.util.Objects;

/**
 * Where the demo listens and which node it uses.
 *
 * @param bindHost the demo page's host, e.g. {@code 127.0.0.1}
 * @param port the demo page's port (0: any free port)
 * @param nodePublic the node's public base URL that browsers reach, e.g. {@code http://127.0.0.1:8080}
 * @param nodeApi the node's API base URL that only this server reaches, e.g. {@code http://127.0.0.1:8081}
 * @param applicationSecret the secret application id; stays in this server
 * @param callbackUrl where the node POSTs the visitors' lines: this server's {@code /callback}
 */
public record DemoSettings(String bindHost, int port, String nodePublic, URI nodeApi, String applicationSecret,
        URI callbackUrl) {

    public DemoSettings {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(nodePublic, "nodePublic");
        Objects.requireNonNull(nodeApi, "nodeApi");
        Objects.requireNonNull(applicationSecret, "applicationSecret");
        Objects.requireNonNull(callbackUrl, "callbackUrl");
        nodePublic = nodePublic.endsWith("/") ? nodePublic.substring(0, nodePublic.length() - 1) : nodePublic;
    }

    /** The same settings with the callback on {@code port} of this host (known only once bound). */
    public DemoSettings withCallbackOnPort(int boundPort) {
        return new DemoSettings(bindHost, port, nodePublic, nodeApi, applicationSecret,
                URI.create("http://" + bindHost + ":" + boundPort + "/callback"));
    }
}

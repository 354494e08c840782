package io.wildcloud.ws.demo;

import io.wildcloud.ws.node.config.SettingDefinition;
import java.net.URI;
import java.util.List;
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

    /** The demo's flags ({@code --name=value}) with their defaults and meanings: what {@code --help} prints. */
    public static final List<SettingDefinition> FLAGS = List.of(
            SettingDefinition.of("host", "127.0.0.1", "address of the demo page, and of both ports of the embedded node"),
            SettingDefinition.of("port", "8090", "port of the demo page"),
            SettingDefinition.of("public-port", "8080", "public port (SockJS) of the embedded node"),
            SettingDefinition.of("api-port", "8081", "API port of the embedded node"),
            SettingDefinition.described("node-public", "none (a node starts in this JVM)",
                    "public URL of a node already running with `--demo --callback-allow-networks=127.0.0.0/8`,"
                    + " e.g. `http://127.0.0.1:8080`; given with `--node-api`, no node starts here"),
            SettingDefinition.described("node-api", "none (a node starts in this JVM)",
                    "API URL of that node, e.g. `http://127.0.0.1:8081`; the application's secret is then the"
                    + " environment variable `DEMO_APP_SECRET`, by default `demo-application-secret`"));

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

package io.wildcloud.ws.demo;

import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the demo: a chat page on its own origin that shows the whole flow (authorize, connect
 * with any SockJS transport, send, publish). By default it also starts one node in this JVM with
 * the demo application, so one command is enough:
 *
 * <pre>java -jar ws-it/target/ws-it-0.1.0-SNAPSHOT-demo.jar</pre>
 *
 * then open http://127.0.0.1:8090/. Flags: {@code --port} (demo page, 8090), {@code --host}
 * (127.0.0.1), {@code --public-port}/{@code --api-port} of the embedded node (8080/8081). The
 * embedded node knows the demo by a fresh random secret that never leaves this process.
 *
 * <p>Or use a node already running with {@code --node-public=http://host:8080
 * --node-api=http://host:8081}; the application's secret comes from the environment variable
 * {@code DEMO_APP_SECRET}, by default the well-known secret of a node started with {@code --demo=true}.
 */
public final class DemoMain {

    /** The application name the embedded node knows the demo by. */
    static final String APPLICATION_NAME = "chat-demo";
    /** The well-known secret of the application a node registers with {@code --demo=true} (local trials only). */
    static final String DEMO_MODE_SECRET = "demo-application-secret";

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = parse(args);
        String host = flags.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(flags.getOrDefault("port", "8090"));
        String nodePublic = flags.get("node-public");
        String nodeApi = flags.get("node-api");
        String secret = System.getenv("DEMO_APP_SECRET");
        WsNode node = null;
        if (nodePublic == null || nodeApi == null) {
            // A fresh secret each run: it never leaves this process and the embedded node.
            secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            node = WsNode.start(NodeConfig.builder()
                    .bindHost(host)
                    .publicPort(Integer.parseInt(flags.getOrDefault("public-port", "8080")))
                    .apiPort(Integer.parseInt(flags.getOrDefault("api-port", "8081")))
                    .set("applications", APPLICATION_NAME + ":" + secret)
                    // The demo application (this process) takes its callbacks on loopback: a local trial.
                    .set("callback-allow-networks", "127.0.0.0/8,::1/128")
                    .build());
            nodePublic = "http://" + host + ":" + node.publicPort();
            nodeApi = "http://" + host + ":" + node.apiPort();
        } else if (secret == null || secret.isBlank()) {
            secret = DEMO_MODE_SECRET;
        }
        DemoSettings settings = new DemoSettings(host, port, nodePublic, URI.create(nodeApi), secret,
                URI.create("http://" + host + ":" + port + "/callback"));
        DemoServer demo = DemoServer.start(settings);
        System.out.println("Wildcloud Websockets demo: open " + demo.pageUrl()
                + " (node: public " + nodePublic + ", api " + nodeApi + ")");
        WsNode embedded = node;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            if (embedded != null) {
                embedded.close();
            }
        }, "demo-shutdown"));
        Thread.currentThread().join();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("flags look like --name=value, not " + arg);
            }
            int eq = arg.indexOf('=');
            flags.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return flags;
    }
}

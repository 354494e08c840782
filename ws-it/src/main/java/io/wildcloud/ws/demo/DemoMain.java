package io.wildcloud.ws.demo;

import io.wildcloud.ws.node.BuildInfo;
import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.InfoRequest;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.SettingDefinition;
import io.wildcloud.ws.node.config.SettingsHelp;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /** The program's name in {@code --version} and at the top of {@code --help}. */
    static final String PROGRAM = "wildcloud-websockets demo";
    private static final String JAR = "ws-it-" + BuildInfo.current().version() + "-demo.jar";
    static final String USAGE = "Usage: java -jar " + JAR + " [--name=value ...]\n"
            + "       java -jar " + JAR + " --help | --version\n"
            + "\n"
            + "Starts the demo chat page (and, unless --node-public and --node-api name a running node, a node\n"
            + "in this JVM with the demo application); then open http://127.0.0.1:8090/ in two tabs.\n"
            + "\n"
            + "Flags:\n"
            + "\n"
            + SettingsHelp.render(DemoSettings.FLAGS, null);
    private static final Set<String> FLAG_NAMES = SettingDefinition.names(DemoSettings.FLAGS);

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        Optional<InfoRequest> info = InfoRequest.find(args);
        if (info.isPresent()) {
            BuildInfo build = BuildInfo.current();
            System.out.print(info.get() == InfoRequest.HELP ? help(build) : build.versionLine(PROGRAM) + "\n");
            System.out.flush();
            System.exit(0);
            return;
        }
        Map<String, String> flags;
        try {
            flags = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + USAGE);
            System.exit(2);
            return;
        }
        String host = flags.get("host");
        int port = Integer.parseInt(flags.get("port"));
        String nodePublic = flags.get("node-public");
        String nodeApi = flags.get("node-api");
        String secret = System.getenv("DEMO_APP_SECRET");
        WsNode node = null;
        if (nodePublic == null || nodeApi == null) {
            // A fresh secret each run: it never leaves this process and the embedded node.
            secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            node = WsNode.start(NodeConfig.builder()
                    .bindHost(host)
                    .publicPort(Integer.parseInt(flags.get("public-port")))
                    .apiPort(Integer.parseInt(flags.get("api-port")))
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

    /** What {@code --help} prints: version, usage and every flag. */
    public static String help(BuildInfo build) {
        return build.versionLine(PROGRAM) + "\n\n" + USAGE;
    }

    /** The flags given, over the defaults of {@link DemoSettings#FLAGS}. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        // Flags with a value as default start with it; node-public and node-api are absent unless given.
        DemoSettings.FLAGS.stream().filter(flag -> flag.defaultValue() != null)
                .forEach(flag -> flags.put(flag.name(), flag.defaultValue()));
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("flags look like --name=value, not " + arg);
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq);
            if (!FLAG_NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name);
            }
            flags.put(name, arg.substring(eq + 1));
        }
        return flags;
    }
}

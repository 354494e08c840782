package io.wildcloud.ws.node;

import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.node.config.SettingsHelp;

/** What {@code java -jar ws-node-*-all.jar --help} and {@code --version} print. */
public final class NodeHelp {

    /** The program's name in {@code --version} and at the top of {@code --help}. */
    public static final String PROGRAM = "wildcloud-websockets node";

    private NodeHelp() {
    }

    /** Usage, where settings come from, then every setting with its default and meaning (README, "Configuration"). */
    public static String help(BuildInfo build) {
        String jar = "ws-node-" + build.version() + "-all.jar";
        return build.versionLine(PROGRAM) + "\n"
                + "\n"
                + "Usage: java [JVM options] -jar " + jar + " [--name=value ...]\n"
                + "       java -jar " + jar + " --help | --version\n"
                + "\n"
                + "Every setting has one name, used three ways; later sources win: a properties file\n"
                + "(--config=ws.properties, or WS_CONFIG), the environment (WS_ + the name in upper case with _,\n"
                + "e.g. WS_PUBLIC_PORT=8080), then flags (--public-port=8080). An unknown or invalid setting stops\n"
                + "start-up with a message that names it (exit code 2). Durations take a unit: 250ms, 25s, 5m, 24h, 1d.\n"
                + "The same table, with links: README.md, \"Configuration\".\n"
                + "\n"
                + "Settings:\n"
                + "\n"
                + SettingsHelp.render(NodeConfig.ALL_DEFINITIONS, Settings.ENV_PREFIX);
    }

    /** One line: program, version and commit. */
    public static String version(BuildInfo build) {
        return build.versionLine(PROGRAM) + "\n";
    }
}

package io.wildcloud.ws.faults;

import io.wildcloud.ws.loadgen.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * HAProxy in front of the rig's nodes, from a configuration it writes: the shipped
 * {@code deploy/haproxy/haproxy.cfg} on loopback ports (round robin, no stickiness; readiness
 * checks with the same nodes as unchecked backups, so that with every node unready requests still
 * reach them; a request that failed to connect or got no answer goes to another node, a publish
 * only on a failed connect), with checks every 500 ms instead of 2 s so a test need not wait long.
 * Runs in the foreground ({@code -db}) and is stopped by its PID. Logs every request as the shipped
 * configuration does ({@code option httplog}), to {@code <dir>/haproxy.log}: its termination state
 * says which side ended a stream and why (issue 14: streams cut in a Redis stall, BENCHMARKS.md).
 */
public final class Haproxy implements AutoCloseable {

    public static final String DEFAULT_EXECUTABLE = "/usr/sbin/haproxy";

    private final Process process;
    private final int publicPort;
    private final int apiPort;

    private Haproxy(Process process, int publicPort, int apiPort) {
        this.process = process;
        this.publicPort = publicPort;
        this.apiPort = apiPort;
    }

    /** Starts HAProxy on two free ports, with other ports if one was taken before it bound them. */
    public static Haproxy start(String executable, Path dir, List<NodeServer> nodes) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOn(executable, dir, nodes, LoopbackPorts.pick(), LoopbackPorts.pick());
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Haproxy startOn(String executable, Path dir, List<NodeServer> nodes, int publicPort, int apiPort) {
        Path config = dir.resolve("haproxy.cfg");
        Process process;
        try {
            Files.createDirectories(dir);
            Files.writeString(config, config(publicPort, apiPort, nodes));
            process = new ProcessBuilder(executable, "-db", "-f", config.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable, e);
        }
        try {
            Processes.awaitListening(process, publicPort, Duration.ofSeconds(10), "haproxy");
            Processes.awaitListening(process, apiPort, Duration.ofSeconds(10), "haproxy");
        } catch (RuntimeException e) {
            Processes.stop(process);
            throw e;
        }
        return new Haproxy(process, publicPort, apiPort);
    }

    static String config(int publicPort, int apiPort, List<NodeServer> nodes) {
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 4096
                    log stdout format raw local0 info

                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 2s
                    timeout client 90s
                    timeout server 90s
                    timeout tunnel 1h
                    timeout client-fin 10s
                    timeout http-request 10s
                    timeout http-keep-alive 10s
                    timeout queue 5s
                    retries 2
                    option redispatch 1
                    retry-on conn-failure empty-response
                    default-server check inter 500ms fall 2 rise 2

                """);
        cfg.append("frontend public\n    bind 127.0.0.1:").append(publicPort).append("\n    default_backend ws_public\n\n");
        // Which node answered, for the load generator's loss report (SessionClient.SERVED_BY).
        backend(cfg, "ws_public", nodes, true, "    http-response set-header X-Served-By %[srv_name]\n");
        cfg.append("frontend api\n    bind 127.0.0.1:").append(apiPort).append("\n    default_backend ws_api\n\n");
        backend(cfg, "ws_api", nodes, false, "    http-request disable-l7-retry if METH_POST\n");
        return cfg.toString();
    }

    private static void backend(StringBuilder cfg, String name, List<NodeServer> nodes, boolean publicSide, String extra) {
        cfg.append("backend ").append(name).append("\n    balance roundrobin\n").append(extra)
                .append("    option httpchk\n    http-check send meth GET uri /health/ready\n")
                .append("    http-check expect status 200\n");
        for (NodeServer node : nodes) {
            int port = publicSide ? node.publicPort() : node.apiPort();
            cfg.append("    server ").append(node.name()).append(" 127.0.0.1:").append(port).append('\n');
        }
        cfg.append("    option allbackups\n");
        for (NodeServer node : nodes) {
            int port = publicSide ? node.publicPort() : node.apiPort();
            cfg.append("    server ").append(node.name()).append("-fallback 127.0.0.1:").append(port)
                    .append(" backup no-check\n");
        }
        cfg.append('\n');
    }

    /** {@code http://127.0.0.1:<port>}: where SockJS clients connect. */
    public String publicUrl() {
        return "http://127.0.0.1:" + publicPort;
    }

    /** {@code http://127.0.0.1:<port>}: the API, balanced too. */
    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}

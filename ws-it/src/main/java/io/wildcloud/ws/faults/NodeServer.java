package io.wildcloud.ws.faults;

import io.wildcloud.ws.loadgen.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node the rig runs as a child process from the runnable jar, on loopback ports chosen once: a
 * restart after {@link #sigkill} or {@link #sigterm} comes back on the same ports, so the balancer's
 * configuration stays true. Its log (appended across restarts) is {@code <dir>/<name>.log}.
 */
public final class NodeServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final int publicPort;
    private final int apiPort;
    private final HealthProbe health;
    private Process process;

    private NodeServer(String name, List<String> command, Map<String, String> environment, Path log, int publicPort,
                       int apiPort) {
        this.name = name;
        this.command = command;
        this.environment = environment;
        this.log = log;
        this.publicPort = publicPort;
        this.apiPort = apiPort;
        this.health = new HealthProbe(URI.create(apiUrl() + "/health/ready"));
    }

    /**
     * Starts a node and returns once {@code /health/ready} answers 200.
     *
     * @param jvmOptions e.g. {@code -Xmx256m}
     * @param flags node settings besides its id and ports
     * @param environment variables added to the rig's environment for this node's process, at every (re)start
     */
    public static NodeServer start(String name, Path jar, Path dir, List<String> jvmOptions, List<String> flags,
                                   Map<String, String> environment) {
        for (int attempt = 1; ; attempt++) {
            int publicPort = LoopbackPorts.pick();
            int apiPort = LoopbackPorts.pick();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString(), "--node-id=" + name, "--bind-host=127.0.0.1",
                    "--public-port=" + publicPort, "--api-port=" + apiPort));
            command.addAll(flags);
            NodeServer node = new NodeServer(name, List.copyOf(command), Map.copyOf(environment), dir.resolve(name + ".log"), publicPort, apiPort);
            long logBefore = node.logLength();
            try {
                node.restart();
                return node;
            } catch (IllegalStateException e) {
                // A port picked free was taken before the node bound it (any process's outgoing
                // connection may get it): new ports, as long as nothing else went wrong.
                if (attempt == 3 || node.isAlive() || !node.logSince(logBefore).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private long logLength() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Starts the process again on the same ports; returns once it is ready. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " still runs");
        }
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (health.status() != 200) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + name + " exited with " + process.exitValue() + ": see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node " + name + " not ready within " + START_TIMEOUT + ": see " + log);
            }
            Processes.pause(100);
        }
    }

    public String name() {
        return name;
    }

    public int publicPort() {
        return publicPort;
    }

    public int apiPort() {
        return apiPort;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    public String publicUrl() {
        return "http://127.0.0.1:" + publicPort;
    }

    /** The status {@code /health/ready} answers now, or 0 without an answer. */
    public int readiness() {
        return health.status();
    }

    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash. */
    public synchronized void sigkill() {
        process.toHandle().destroyForcibly();
    }

    /** SIGTERM: the node drains (hands its sessions on) and exits. */
    public synchronized void sigterm() {
        process.toHandle().destroy();
    }

    /** Waits for the process to end; returns its exit code. */
    public int awaitExit(Duration timeout) {
        Process current;
        synchronized (this) {
            current = process;
        }
        try {
            if (!current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("node " + name + " still runs after " + timeout);
            }
            return current.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path log() {
        return log;
    }

    /** Whether its log holds a Netty leak report. */
    public boolean reportedLeaks() {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("LEAK:");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (public " + publicPort + ", api " + apiPort + ")";
    }
}

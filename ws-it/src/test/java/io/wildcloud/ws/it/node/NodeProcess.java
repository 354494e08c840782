package io.wildcloud.ws.it.node;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.loadgen.LoopbackPorts;
import io.wildcloud.ws.testing.Signals;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node running as a child process from the runnable jar ({@code java -jar ws-node-*-all.jar}),
 * for tests that kill nodes: SIGTERM to drain, SIGKILL to crash. Binds 127.0.0.1 on free ports,
 * logs to {@code target/node-logs/<name>.log}, and is killed by PID when closed, if still alive.
 */
public final class NodeProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Starts of a node, each on new ports, before a port taken between pick and bind fails it. */
    private static final int START_ATTEMPTS = 3;
    /** The {@code callback-allow-networks} of test nodes: their callbacks are servers on loopback. */
    public static final String LOOPBACK_NETWORKS = "127.0.0.0/8,::1/128";

    private final String name;
    private final Process process;
    private final int publicPort;
    private final int apiPort;
    private final Path log;

    private NodeProcess(String name, Process process, int publicPort, int apiPort, Path log) {
        this.name = name;
        this.process = process;
        this.publicPort = publicPort;
        this.apiPort = apiPort;
        this.log = log;
    }

    /**
     * Starts a node and returns once its {@code /health} answers 200.
     *
     * @param name names the node ({@code --node-id}) and its log file
     * @param flags further settings, e.g. {@code --mode=protocol-test}, {@code --redis-url=...}
     */
    public static NodeProcess start(String name, String... flags) {
        return start(name, List.of("-Xmx256m"), flags);
    }

    /**
     * Starts a node with the given JVM options (heap size and the like) instead of the default
     * {@code -Xmx256m}; returns once its {@code /health} answers 200.
     */
    public static NodeProcess start(String name, List<String> jvmOptions, String... flags) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnFreePorts(name, jvmOptions, flags);
            } catch (PortTaken e) {
                // The ports were free when picked, but a loaded machine's node binds them seconds
                // (40 s seen at load ~25) later, and some other process's connection took one.
                if (attempt == START_ATTEMPTS) {
                    throw new AssertionError("node " + name + " found a port taken " + START_ATTEMPTS + " times",
                            e.getCause());
                }
            }
        }
    }

    private static NodeProcess startOnFreePorts(String name, List<String> jvmOptions, String... flags) {
        NodeProcess node = launch(name, jvmOptions, flags);
        try {
            node.awaitHealthy(START_TIMEOUT);
        } catch (RuntimeException | Error e) {
            node.close();
            if (!node.isAlive() && node.logTail().contains("Address already in use")) {
                throw new PortTaken(e);
            }
            throw e;
        }
        return node;
    }

    /**
     * Starts a node process on free ports and returns at once, without waiting for it to serve:
     * for tests of the start itself.
     */
    public static NodeProcess launch(String name, List<String> jvmOptions, String... flags) {
        int publicPort = LoopbackPorts.pick();
        int apiPort = LoopbackPorts.pick();
        Path log = Path.of("target", "node-logs", name + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dio.netty.leakDetection.level=paranoid", "-jar", nodeJar().toString(),
                "--node-id=" + name, "--bind-host=127.0.0.1",
                "--public-port=" + publicPort, "--api-port=" + apiPort,
                // Test callbacks listen on loopback, which a node refuses by default; a flag of the caller's wins.
                "--callback-allow-networks=" + LOOPBACK_NETWORKS,
                // Thousands of connects per start under paranoid leak detection, and commands that
                // round-trip tests count: a test that wants the warm-up passes its own flag.
                "--warmup-connects=0"));
        command.addAll(List.of(flags));
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name + ": " + command, e);
        }
        return new NodeProcess(name, process, publicPort, apiPort, log);
    }

    /** The node could not bind a port picked for it: another process took it meanwhile. */
    private static final class PortTaken extends RuntimeException {
        PortTaken(Throwable failure) {
            super(failure);
        }
    }

    /** Polls {@code /health} on the API port until it answers 200; fails if the process exits. */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http http = new Http(Duration.ofSeconds(2));
        String lastProblem = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("node " + name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                RawResponse health = http.get(apiUrl() + "/health");
                if (health.status() == 200) {
                    return;
                }
                lastProblem = health.status() + " " + health.bodyText();
            } catch (RuntimeException | AssertionError notYet) {
                lastProblem = String.valueOf(notYet.getMessage());
            }
            pause(100);
        }
        throw new AssertionError("node " + name + " not healthy within " + timeout + " (" + lastProblem + "):\n" + logTail());
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public int publicPort() {
        return publicPort;
    }

    public int apiPort() {
        return apiPort;
    }

    public String publicUrl() {
        return "http://127.0.0.1:" + publicPort;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the node to drain and stop (SIGTERM). */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** Kills the node at once (SIGKILL), as a crash would. */
    public void sigkill() {
        process.toHandle().destroyForcibly();
    }

    /** Freezes the node (SIGSTOP): its connections stay open and it does nothing, as in a long pause. */
    public void freeze() {
        Signals.send(process.pid(), "STOP");
    }

    /** Lets a frozen node go on (SIGCONT). */
    public void thaw() {
        Signals.send(process.pid(), "CONT");
    }

    /** Waits for the process to end; returns its exit code, or fails after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("node " + name + " still running after " + timeout + ":\n" + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Path log() {
        return log;
    }

    /** The last lines of the node's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Fails if the node's log holds a Netty leak report (the child runs with paranoid detection). */
    public void assertNoLeakReports() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.contains("LEAK:")) {
                throw new AssertionError("node " + name + " reported a buffer leak; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process by its PID if it is still alive, and waits for it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The runnable jar: {@code -Dws.node.jar=...} when set, else the newest
     * {@code ws-node/target/ws-node-*-all.jar}. ws-it runs after ws-node in the reactor, so
     * {@code mvn verify} has built it; a focused {@code mvn test} needs {@code mvn -DskipTests package} first.
     */
    public static Path nodeJar() {
        String configured = System.getProperty("ws.node.jar");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        File target = Path.of("..", "ws-node", "target").toAbsolutePath().normalize().toFile();
        File[] jars = target.listFiles((dir, file) -> file.startsWith("ws-node-") && file.endsWith("-all.jar"));
        if (jars == null || jars.length == 0) {
            throw new AssertionError("no ws-node-*-all.jar in " + target
                    + ": build it first (mvn -B -DskipTests package) or run mvn -B verify");
        }
        File newest = jars[0];
        for (File jar : jars) {
            if (jar.lastModified() > newest.lastModified()) {
                newest = jar;
            }
        }
        return newest.toPath();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

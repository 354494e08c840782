package io.wildcloud.ws.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the benchmarks share: their {@code --name=value} flags, and the servers they start as child
 * processes (redis-server and node jars on free loopback ports, logs in {@code --work-dir}).
 */
final class BenchServers {

    static final String SECRET = "bench-application-secret";

    /** A node the benchmark started, with the ports it listens on. */
    record Node(ManagedProcess process, int publicPort, int apiPort) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    private final Map<String, String> flags;
    private final Path workDir;

    BenchServers(Map<String, String> flags) throws IOException {
        this.flags = flags;
        this.workDir = Files.createDirectories(Path.of(flags.getOrDefault("work-dir", "target/bench")));
    }

    static Map<String, String> parseFlags(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            flags.put(eq < 0 ? arg.replaceFirst("^--", "") : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        return flags;
    }

    Path workDir() {
        return workDir;
    }

    /** A redis-server on {@code port}, loopback only, without persistence. */
    ManagedProcess startRedis(int port) throws IOException, InterruptedException {
        ManagedProcess redis = ManagedProcess.start("redis", List.of(
                flags.getOrDefault("redis-server", "redis-server"), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"), workDir.resolve("redis.log"));
        awaitRedis(port);
        return redis;
    }

    /**
     * A node of {@code --node-jar} (or the one in ws-node/target), started with {@code jvmArgs} and
     * {@code nodeArgs} (more flags), once it answers.
     */
    Node startNode(String name, String redisUrl, String jvmArgs, String ioThreads, String... nodeArgs)
            throws IOException, InterruptedException {
        int publicPort = ManagedProcess.freePort();
        int apiPort = ManagedProcess.freePort();
        List<String> command = new ArrayList<>(List.of(ManagedProcess.java()));
        command.addAll(List.of(jvmArgs.split(" ")));
        command.addAll(List.of("-jar", nodeJar().toString(), "--node-id=" + name, "--bind-host=127.0.0.1",
                "--public-port=" + publicPort, "--api-port=" + apiPort, "--applications=bench:" + SECRET,
                "--callback-allow-networks=127.0.0.0/8",
                "--io-threads=" + ioThreads));
        if (redisUrl != null) {
            command.add("--redis-url=" + redisUrl);
        }
        command.addAll(List.of(nodeArgs));
        ManagedProcess node = ManagedProcess.start(name, command, workDir.resolve(name + ".log"));
        ManagedProcess.awaitHttp(URI.create("http://127.0.0.1:" + apiPort + "/health"), Duration.ofMinutes(3));
        return new Node(node, publicPort, apiPort);
    }

    private static void awaitRedis(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                RedisStats.info("127.0.0.1", port, "server");
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not start");
    }

    private Path nodeJar() throws IOException {
        if (flags.containsKey("node-jar")) {
            return Path.of(flags.get("node-jar"));
        }
        for (Path dir : List.of(Path.of("ws-node/target"), Path.of("../ws-node/target"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    var jar = files.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst();
                    if (jar.isPresent()) {
                        return jar.get();
                    }
                }
            }
        }
        throw new IllegalStateException("no ws-node/target/*-all.jar: build with mvn -DskipTests package, or pass --node-jar=");
    }

    static String machine() throws IOException {
        String model = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            model = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(model);
        }
        return String.format(Locale.ROOT, "machine: %d cores, %s, %d MiB max heap here, Java %s",
                Runtime.getRuntime().availableProcessors(), model,
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
    }
}

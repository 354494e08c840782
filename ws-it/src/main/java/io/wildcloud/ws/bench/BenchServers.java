package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.LoopbackPorts;
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
 * What the benchmarks share: their flags, the servers they start as child processes (the node jar,
 * redis-server on free loopback ports) and the readings taken of them (CPU, Redis's counters).
 */
final class BenchServers {

    static final String SECRET = "bench-application-secret";

    /**
     * The heap is touched at start, as a node that has run for a while has long done: otherwise G1
     * keeps growing the receiving node's young generation through the measured phase (GC log: eden
     * 60 MB, then 130 MB) and the kernel's zeroing of each first-touched page was ~10% of its CPU.
     */
    private static final String DEFAULT_NODE_JVM_ARGS = "-Xms512m -Xmx1g -XX:+AlwaysPreTouch";

    /** A node the benchmark started, with its GC log (pauses of a measured window). */
    record Node(ManagedProcess process, int publicPort, int apiPort, GcLog gcLog) implements AutoCloseable {

        URI publicUrl() {
            return URI.create("http://127.0.0.1:" + publicPort);
        }

        URI apiUrl() {
            return URI.create("http://127.0.0.1:" + apiPort);
        }

        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    /** An nginx with Nchan the benchmark started (issue 17's reference): its master process and port. */
    record Nchan(ManagedProcess process, int port) {
    }

    /** A redis-server the benchmark started. */
    record Redis(ManagedProcess process, int port) implements AutoCloseable {

        String url() {
            return "redis://127.0.0.1:" + port;
        }

        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    /**
     * The Redis a benchmark's nodes run on: one redis-server, or the masters of a Redis Cluster, each
     * read on its own (how the load spreads over the masters is what a Cluster run measures).
     */
    record RedisDeployment(List<Redis> servers, boolean cluster) implements AutoCloseable {

        /** The node's {@code --redis-url}: {@code redis-cluster://} names every master as a seed. */
        String url() {
            if (!cluster) {
                return servers.get(0).url();
            }
            StringBuilder seeds = new StringBuilder("redis-cluster://");
            for (Redis master : servers) {
                seeds.append(seeds.length() > "redis-cluster://".length() ? "," : "").append("127.0.0.1:").append(master.port());
            }
            return seeds.toString();
        }

        @Override
        public void close() throws InterruptedException {
            for (Redis server : servers) {
                server.close();
            }
        }
    }

    private final Map<String, String> flags;
    private final Path workDir;

    BenchServers(Map<String, String> flags) throws IOException {
        this.flags = flags;
        this.workDir = Files.createDirectories(Path.of(flags.getOrDefault("work-dir", "target/bench")));
    }

    /** {@code --name=value} (or {@code --name}, true) arguments. */
    static Map<String, String> flags(String[] args) {
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

    String flag(String name, String defaultValue) {
        return flags.getOrDefault(name, defaultValue);
    }

    int intFlag(String name, int defaultValue) {
        return Integer.parseInt(flags.getOrDefault(name, Integer.toString(defaultValue)));
    }

    /**
     * Starts a node on free ports; again on other ports (three tries) if it ends before it is
     * healthy: another process on this shared machine may take a port between the pick and the bind.
     */
    Node startNode(String name, String redisUrl, String... extraArgs) throws IOException, InterruptedException {
        return startNodeWith(name, redisUrl, flags.getOrDefault("node-jvm-args", DEFAULT_NODE_JVM_ARGS), extraArgs);
    }

    /** As {@link #startNode}, with these JVM options (node flags given later win over the defaults). */
    Node startNodeWith(String name, String redisUrl, String jvmArgs, String... extraArgs)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int publicPort = LoopbackPorts.pick();
            int apiPort = LoopbackPorts.pick();
            List<String> command = new ArrayList<>(List.of(ManagedProcess.java()));
            command.addAll(List.of(jvmArgs.split(" ")));
            GcLog gcLog = new GcLog(workDir.toAbsolutePath().resolve(name + "-gc.log"));
            Files.deleteIfExists(workDir.resolve(name + "-gc.log"));
            command.add(gcLog.option());
            command.addAll(List.of("-jar", nodeJar().toString(), "--node-id=" + name, "--bind-host=127.0.0.1",
                    "--public-port=" + publicPort, "--api-port=" + apiPort, "--applications=bench:" + SECRET,
                    "--callback-allow-networks=127.0.0.0/8",
                    // Every client of the benchmark comes from 127.0.0.1: up to a node's 20,000.
                    "--max-connections-per-address=20000",
                    "--io-threads=" + nodeIoThreads()));
            if (redisUrl != null) {
                command.add("--redis-url=" + redisUrl);
            }
            command.addAll(List.of(extraArgs));
            long launched = System.nanoTime();
            ManagedProcess node = ManagedProcess.start(name, command, workDir.resolve(name + ".log"));
            try {
                node.awaitHttp(URI.create("http://127.0.0.1:" + apiPort + "/health"), Duration.ofSeconds(60));
                // Restart-to-ready, the start-up warm-up included (README, "Start-up warm-up").
                System.out.printf(Locale.ROOT, "%s ready %.1f s after its launch, %.1f s of CPU; %s%n", name,
                        (System.nanoTime() - launched) / 1e9, node.cpu().toNanos() / 1e9, loadAverage());
                return new Node(node, publicPort, apiPort, gcLog);
            } catch (IllegalStateException e) {
                node.close();
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * nginx with the Nchan module ({@link NchanConfig}: one worker) on a free port, its
     * configuration and logs in {@code <work dir>/<name>}; answers once {@code /health} does. Again
     * on another port (three tries) if it ends first: the port may be taken between pick and bind.
     */
    Nchan startNchan(String name, String redisUrl) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDir.resolve(name)).toAbsolutePath();
        Path module = Path.of(flags.getOrDefault("nchan-module", NchanConfig.DEBIAN_MODULE.toString()));
        if (!Files.exists(module)) {
            throw new IllegalStateException("no Nchan module at " + module
                    + ": apt-get install libnginx-mod-nchan, or pass --nchan-module=<ngx_nchan_module.so>");
        }
        for (int attempt = 1; ; attempt++) {
            NchanConfig config = new NchanConfig(LoopbackPorts.pick(), dir, redisUrl, module);
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, config.render());
            ManagedProcess nginx = ManagedProcess.start(name, List.of(flags.getOrDefault("nginx", "nginx"),
                    "-p", dir.toString(), "-c", conf.toString(), "-e", dir.resolve("error.log").toString()),
                    workDir.resolve(name + ".log"));
            try {
                nginx.awaitHttp(URI.create("http://127.0.0.1:" + config.port() + "/health"), Duration.ofSeconds(20));
                return new Nchan(nginx, config.port());
            } catch (IllegalStateException e) {
                nginx.close();
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    Redis startRedis() throws IOException, InterruptedException {
        return startRedis("redis");
    }

    /**
     * A Redis Cluster of {@code masters} redis-servers (no replicas), joined with {@code redis-cli
     * --cluster create}; answers once every master reports {@code cluster_state:ok}.
     */
    RedisDeployment startRedisCluster(int masters) throws IOException, InterruptedException {
        List<Redis> started = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                String name = "redis-master-" + (i + 1);
                started.add(startRedis(name, List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "5000",
                        "--dir", workDir.toAbsolutePath().toString(), "--cluster-config-file", name + "-nodes.conf")));
            }
            List<String> create = new ArrayList<>(List.of(flags.getOrDefault("redis-cli", "redis-cli"), "--cluster", "create"));
            started.forEach(master -> create.add("127.0.0.1:" + master.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process process = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("redis-cluster-create.log").toFile()).start();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: see "
                        + workDir.resolve("redis-cluster-create.log").toAbsolutePath());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (Redis master : started) {
                while (!RedisStats.clusterInfo("127.0.0.1", master.port()).contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Redis Cluster did not report cluster_state:ok within 30 s");
                    }
                    Thread.sleep(50);
                }
            }
            return new RedisDeployment(List.copyOf(started), true);
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (Redis master : started) {
                master.close();
            }
            throw e;
        }
    }

    Redis startRedis(String name) throws IOException, InterruptedException {
        return startRedis(name, List.of());
    }

    /** redis-server on a free port, without persistence; answers once it takes commands. */
    Redis startRedis(String name, List<String> extraArgs) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int port = LoopbackPorts.pick();
            List<String> command = new ArrayList<>(List.of(
                    flags.getOrDefault("redis-server", "redis-server"), "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
            command.addAll(extraArgs);
            ManagedProcess redis = ManagedProcess.start(name, command, workDir.resolve(name + ".log"));
            try {
                awaitRedis(port);
                return new Redis(redis, port);
            } catch (RuntimeException e) {
                redis.close(); // e.g. its port was taken before it bound: another port
                if (attempt == 3) {
                    throw e;
                }
            } catch (InterruptedException e) {
                redis.close();
                throw e;
            }
        }
    }

    /**
     * One event loop per node unless told otherwise: the load generator and (b)'s second node and
     * Redis run on the same cores, so a node with a loop per core competes with them for CPU and
     * pays for the thread switches and wake-ups that causes (measured on 2 cores: ~15% more CPU per
     * message, and p99 latency 8 ms instead of 2). A node alone on its machine keeps the default.
     */
    String nodeIoThreads() {
        return flags.getOrDefault("node-io-threads", "1");
    }

    static Duration ownCpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    static long redisCommands(String host, int port) {
        if (host == null) {
            return 0;
        }
        try {
            return RedisStats.commandsProcessed(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Redis INFO", e);
        }
    }

    static Map<String, Long> commandStats(String host, int port) {
        if (host == null) {
            return Map.of();
        }
        try {
            return RedisStats.callsByCommand(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Redis INFO commandstats", e);
        }
    }

    /** Calls per command between two {@link #commandStats} readings, per {@code units} (messages). */
    static String perUnit(Map<String, Long> before, Map<String, Long> after, long units) {
        StringBuilder byCommand = new StringBuilder();
        after.forEach((command, calls) -> {
            long delta = calls - before.getOrDefault(command, 0L);
            if (delta > 0) {
                byCommand.append(String.format(Locale.ROOT, " %s=%.3f", command, delta / (double) Math.max(1, units)));
            }
        });
        return byCommand.toString();
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

    /** The machine in one line, and the load average now (the machine is shared). */
    static String machine() throws IOException {
        String model = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            model = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(model);
        }
        return String.format(Locale.ROOT, "machine: %d cores, %s, %d MiB max heap here, Java %s; %s",
                Runtime.getRuntime().availableProcessors(), model,
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), loadAverage());
    }

    static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.exists(loadavg)) {
            return "load average unknown";
        }
        String[] fields = Files.readString(loadavg).trim().split(" ");
        return "load average " + fields[0] + " " + fields[1] + " " + fields[2];
    }
}

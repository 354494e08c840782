package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.LoadGenerator;
import io.wildcloud.ws.loadgen.LoadOptions;
import io.wildcloud.ws.loadgen.LoadResult;
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
 * The delivery benchmark of issue 4 (not a test: it prints figures). 1,000 websocket sessions, one
 * socket each, one HTTP publish per message (or, with {@code --batch=N}, one batch publish per N
 * sockets, a message each), flat out:
 * <ul>
 *   <li>(a) one node on the memory engine;</li>
 *   <li>(b) two nodes on one Redis, sessions on the first, publishes sent to the second.</li>
 * </ul>
 * It starts every server itself as a child process (the node jar, redis-server on a free port),
 * publishes a warm-up first (JIT, pools), then meters the servers' CPU only while the measured
 * messages are published and delivered, and counts Redis commands per delivered message. It also
 * prints its own CPU over the same window: the load generator should use less than the servers,
 * or the figures describe the client, not the service.
 *
 * <p>{@code --rate=N} publishes at a fixed rate instead of flat out; the servers' CPU is then also
 * printed as a share of one core over the measured window. {@code --preset=issue17} sets the
 * conditions of issue 17's table (flags given beside it still win): 64-byte messages, 64
 * keep-alive API connections with one request in flight each, 50,000 warm-up and 200,000 measured
 * messages, nodes on {@code -Xmx1g} alone.
 */
public final class PushBenchmark {

    private static final String SECRET = "bench-application-secret";

    /**
     * The heap is touched at start, as a node that has run for a while has long done: otherwise G1
     * keeps growing the receiving node's young generation through the measured phase (GC log: eden
     * 60 MB, then 130 MB) and the kernel's zeroing of each first-touched page was ~10% of its CPU.
     */
    private static final String DEFAULT_NODE_JVM_ARGS = "-Xms512m -Xmx1g -XX:+AlwaysPreTouch";

    /** The conditions of issue 17's comparison (an independent harness's, reproduced here). */
    private static final Map<String, String> ISSUE17 = Map.of(
            "sessions", "1000", "message-bytes", "64", "api-connections", "64", "concurrency", "64",
            "warmup", "50000", "messages", "200000", "node-jvm-args", "-Xmx1g");

    private final Map<String, String> flags;
    private final Path workDir;

    private PushBenchmark(Map<String, String> given) throws IOException {
        Map<String, String> preset = switch (given.getOrDefault("preset", "none")) {
            case "none" -> Map.of();
            case "issue17" -> ISSUE17;
            default -> throw new IllegalArgumentException("--preset takes issue17, not " + given.get("preset"));
        };
        this.flags = new LinkedHashMap<>(preset);
        this.flags.putAll(given);
        this.workDir = Files.createDirectories(Path.of(flags.getOrDefault("work-dir", "target/bench")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            flags.put(eq < 0 ? arg.replaceFirst("^--", "") : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        PushBenchmark benchmark = new PushBenchmark(flags);
        System.out.println(machine());
        String scenario = flags.getOrDefault("scenario", "both");
        if (scenario.equals("a") || scenario.equals("both")) {
            benchmark.memoryOneNode();
        }
        if (scenario.equals("b") || scenario.equals("both")) {
            benchmark.redisTwoNodes();
        }
    }

    private void memoryOneNode() throws Exception {
        try (ManagedProcess node = startNode("a-node", null)) {
            int[] ports = ports(node);
            run("(a) one node, memory engine", List.of(node), null, 0, ports[0], ports[1]);
        }
    }

    private void redisTwoNodes() throws Exception {
        int redisPort = ManagedProcess.freePort();
        try (ManagedProcess redis = ManagedProcess.start("redis", List.of(
                flags.getOrDefault("redis-server", "redis-server"), "--port", String.valueOf(redisPort),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"), workDir.resolve("redis.log"))) {
            awaitRedis(redisPort);
            String redisUrl = "redis://127.0.0.1:" + redisPort;
            try (ManagedProcess receiving = startNode("b-node1", redisUrl);
                 ManagedProcess publishing = startNode("b-node2", redisUrl)) {
                int[] sessionsNode = ports(receiving);
                int[] apiNode = ports(publishing);
                run("(b) two nodes on Redis, sessions on node 1, publishes to node 2",
                        List.of(receiving, publishing, redis), "127.0.0.1", redisPort, sessionsNode[0], apiNode[1]);
            }
        }
    }

    private final Map<ManagedProcess, int[]> portsByNode = new LinkedHashMap<>();
    private final Map<ManagedProcess, GcLog> gcLogs = new LinkedHashMap<>();

    private int[] ports(ManagedProcess node) {
        return portsByNode.get(node);
    }

    private ManagedProcess startNode(String name, String redisUrl) throws IOException, InterruptedException {
        int publicPort = ManagedProcess.freePort();
        int apiPort = ManagedProcess.freePort();
        List<String> command = new ArrayList<>(List.of(ManagedProcess.java()));
        command.addAll(List.of(flags.getOrDefault("node-jvm-args", DEFAULT_NODE_JVM_ARGS).split(" ")));
        GcLog gcLog = new GcLog(workDir.toAbsolutePath().resolve(name + "-gc.log"));
        Files.deleteIfExists(workDir.resolve(name + "-gc.log"));
        command.add(gcLog.option());
        command.addAll(List.of("-jar", nodeJar().toString(), "--node-id=" + name, "--bind-host=127.0.0.1",
                "--public-port=" + publicPort, "--api-port=" + apiPort, "--applications=bench:" + SECRET,
                "--callback-allow-networks=127.0.0.0/8",
                "--io-threads=" + nodeIoThreads()));
        if (redisUrl != null) {
            command.add("--redis-url=" + redisUrl);
        }
        ManagedProcess node = ManagedProcess.start(name, command, workDir.resolve(name + ".log"));
        ManagedProcess.awaitHttp(URI.create("http://127.0.0.1:" + apiPort + "/health"), Duration.ofSeconds(60));
        portsByNode.put(node, new int[] {publicPort, apiPort});
        gcLogs.put(node, gcLog);
        return node;
    }

    /**
     * One event loop per node unless told otherwise: the load generator and (b)'s second node and
     * Redis run on the same cores, so a node with a loop per core competes with them for CPU and
     * pays for the thread switches and wake-ups that causes (measured on 2 cores: ~15% more CPU per
     * message, and p99 latency 8 ms instead of 2). A node alone on its machine keeps the default.
     */
    private String nodeIoThreads() {
        return flags.getOrDefault("node-io-threads", "1");
    }

    private void run(String title, List<ManagedProcess> servers, String redisHost, int redisPort,
                     int publicPort, int apiPort) throws Exception {
        LoadOptions options = LoadOptions.parse(new String[] {
            "--url=http://127.0.0.1:" + publicPort,
            "--api-url=http://127.0.0.1:" + apiPort,
            "--app=" + SECRET,
            "--sessions=" + flags.getOrDefault("sessions", "1000"),
            "--transports=websocket:1",
            "--messages=" + flags.getOrDefault("messages", "200000"),
            "--warmup=" + flags.getOrDefault("warmup", "30000"),
            "--api-connections=" + flags.getOrDefault("api-connections", "32"),
            "--io-threads=" + flags.getOrDefault("io-threads", "1"),
            "--duration=" + flags.getOrDefault("duration", "5m"),
            "--concurrency=" + flags.getOrDefault("concurrency", "128"),
            "--batch=" + flags.getOrDefault("batch", "1"),
            "--rate=" + flags.getOrDefault("rate", "0"),
            "--message-bytes=" + flags.getOrDefault("message-bytes", "0"),
            "--grace=30s"});
        long[] windowNanos = new long[2];
        Map<ManagedProcess, Long> wakeUpsBefore = new LinkedHashMap<>();
        Map<ManagedProcess, Long> wakeUpsAfter = new LinkedHashMap<>();
        Map<ManagedProcess, Duration> cpuBefore = new LinkedHashMap<>();
        Map<ManagedProcess, Duration> cpuAfter = new LinkedHashMap<>();
        Duration[] ownCpu = new Duration[2];
        long[] redisCommands = new long[2];
        java.util.List<Map<String, Long>> commandStats = new java.util.ArrayList<>(List.of(Map.of(), Map.of()));
        LoadGenerator generator = new LoadGenerator(options, System.err, new LoadGenerator.PhaseListener() {
            @Override
            public void publishing() {
                ownCpu[0] = ownCpu();
                windowNanos[0] = System.nanoTime();
                servers.forEach(p -> cpuBefore.put(p, p.cpu()));
                servers.forEach(p -> wakeUpsBefore.put(p, p.wakeUps()));
                servers.stream().filter(gcLogs::containsKey).forEach(node -> gcLogs.get(node).mark());
                redisCommands[0] = redisCommands(redisHost, redisPort);
                commandStats.set(0, commandStats(redisHost, redisPort));
            }

            @Override
            public void settled() {
                ownCpu[1] = ownCpu();
                windowNanos[1] = System.nanoTime();
                servers.forEach(p -> cpuAfter.put(p, p.cpu()));
                servers.forEach(p -> wakeUpsAfter.put(p, p.wakeUps()));
                redisCommands[1] = redisCommands(redisHost, redisPort);
                commandStats.set(1, commandStats(redisHost, redisPort));
            }
        });
        LoadResult result = generator.run();
        double cpuSeconds = 0;
        StringBuilder perProcess = new StringBuilder();
        for (ManagedProcess server : servers) {
            double seconds = (cpuAfter.get(server).toNanos() - cpuBefore.get(server).toNanos()) / 1e9;
            cpuSeconds += seconds;
            perProcess.append(String.format(Locale.ROOT, " %s=%.2fs", server.name(), seconds));
        }
        String batch = flags.getOrDefault("batch", "1");
        String rate = flags.getOrDefault("rate", "0");
        System.out.println("== " + title + " (" + nodeIoThreads() + " event loop(s) per node"
                + (batch.equals("1") ? ", one socket per publish request" : ", batches of " + batch + " sockets")
                + (rate.equals("0") ? ", flat out" : ", " + rate + " msgs/s") + ")");
        System.out.println(result.toText());
        double windowSeconds = (windowNanos[1] - windowNanos[0]) / 1e9;
        System.out.printf(Locale.ROOT, "server CPU          %.2f s (%s) over %.2f s: %.1f%% of a core%n", cpuSeconds,
                perProcess.toString().trim(), windowSeconds, 100 * cpuSeconds / windowSeconds);
        System.out.printf(Locale.ROOT, "messages per CPU-s  %.0f%n", result.delivered() / cpuSeconds);
        StringBuilder wakeUps = new StringBuilder();
        for (ManagedProcess server : servers) {
            long before = wakeUpsBefore.get(server);
            long after = wakeUpsAfter.get(server);
            if (before >= 0 && after >= 0) {
                wakeUps.append(String.format(Locale.ROOT, " %s=%.2f", server.name(),
                        (after - before) / (double) Math.max(1, result.delivered())));
            }
        }
        System.out.println("wake-ups per message" + wakeUps + " (voluntary context switches, all threads)");
        servers.stream().filter(gcLogs::containsKey)
                .forEach(node -> System.out.println("GC " + node.name() + "  " + gcLogs.get(node).pausesSinceMark()));
        System.out.printf(Locale.ROOT, "load generator CPU  %.2f s (this process, same window)%n",
                (ownCpu[1].toNanos() - ownCpu[0].toNanos()) / 1e9);
        if (redisHost != null) {
            System.out.printf(Locale.ROOT, "Redis commands      %d (%.3f per delivered message)%n",
                    redisCommands[1] - redisCommands[0],
                    (redisCommands[1] - redisCommands[0]) / (double) Math.max(1, result.delivered()));
            StringBuilder byCommand = new StringBuilder();
            commandStats.get(1).forEach((command, calls) -> {
                long delta = calls - commandStats.get(0).getOrDefault(command, 0L);
                if (delta > 0) {
                    byCommand.append(String.format(Locale.ROOT, " %s=%.3f", command,
                            delta / (double) Math.max(1, result.delivered())));
                }
            });
            System.out.println("  per message by command:" + byCommand);
        }
        System.out.println();
    }

    private static Duration ownCpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static long redisCommands(String host, int port) {
        if (host == null) {
            return 0;
        }
        try {
            return RedisStats.commandsProcessed(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Redis INFO", e);
        }
    }

    private static Map<String, Long> commandStats(String host, int port) {
        if (host == null) {
            return Map.of();
        }
        try {
            return RedisStats.callsByCommand(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Redis INFO commandstats", e);
        }
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

    private static String machine() throws IOException {
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

package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.LoadGenerator;
import io.wildcloud.ws.loadgen.LoadOptions;
import io.wildcloud.ws.loadgen.LoadResult;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 */
public final class PushBenchmark {

    private static final String SECRET = BenchServers.SECRET;

    /**
     * The heap is touched at start, as a node that has run for a while has long done: otherwise G1
     * keeps growing the receiving node's young generation through the measured phase (GC log: eden
     * 60 MB, then 130 MB) and the kernel's zeroing of each first-touched page was ~10% of its CPU.
     */
    private static final String DEFAULT_NODE_JVM_ARGS = "-Xms512m -Xmx1g -XX:+AlwaysPreTouch";

    private final Map<String, String> flags;
    private final BenchServers servers;

    private PushBenchmark(Map<String, String> flags) throws IOException {
        this.flags = flags;
        this.servers = new BenchServers(flags);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = BenchServers.parseFlags(args);
        PushBenchmark benchmark = new PushBenchmark(flags);
        System.out.println(BenchServers.machine());
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
        try (ManagedProcess redis = servers.startRedis(redisPort)) {
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

    private int[] ports(ManagedProcess node) {
        return portsByNode.get(node);
    }

    private ManagedProcess startNode(String name, String redisUrl) throws IOException, InterruptedException {
        BenchServers.Node node = servers.startNode(name, redisUrl,
                flags.getOrDefault("node-jvm-args", DEFAULT_NODE_JVM_ARGS), nodeIoThreads());
        portsByNode.put(node.process(), new int[] {node.publicPort(), node.apiPort()});
        return node.process();
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
            "--grace=30s"});
        Map<ManagedProcess, Duration> cpuBefore = new LinkedHashMap<>();
        Map<ManagedProcess, Duration> cpuAfter = new LinkedHashMap<>();
        Duration[] ownCpu = new Duration[2];
        long[] redisCommands = new long[2];
        java.util.List<Map<String, Long>> commandStats = new java.util.ArrayList<>(List.of(Map.of(), Map.of()));
        LoadGenerator generator = new LoadGenerator(options, System.err, new LoadGenerator.PhaseListener() {
            @Override
            public void publishing() {
                ownCpu[0] = ownCpu();
                servers.forEach(p -> cpuBefore.put(p, p.cpu()));
                redisCommands[0] = redisCommands(redisHost, redisPort);
                commandStats.set(0, commandStats(redisHost, redisPort));
            }

            @Override
            public void settled() {
                ownCpu[1] = ownCpu();
                servers.forEach(p -> cpuAfter.put(p, p.cpu()));
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
        System.out.println("== " + title + " (" + nodeIoThreads() + " event loop(s) per node"
                + (batch.equals("1") ? ", one socket per publish request" : ", batches of " + batch + " sockets") + ")");
        System.out.println(result.toText());
        System.out.printf(Locale.ROOT, "server CPU          %.2f s (%s)%n", cpuSeconds, perProcess.toString().trim());
        System.out.printf(Locale.ROOT, "messages per CPU-s  %.0f%n", result.delivered() / cpuSeconds);
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
}

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
 *
 * <p>{@code --rate=N} publishes at a fixed rate instead of flat out; the servers' CPU is then also
 * printed as a share of one core over the measured window. {@code --preset=issue17} sets the
 * conditions of issue 17's table (flags given beside it still win): 64-byte messages, 64
 * keep-alive API connections with one request in flight each, 50,000 warm-up and 200,000 measured
 * messages, nodes on {@code -Xmx1g} alone. Every run prints the nodes' GC pauses in the measured
 * window and the servers' wake-ups per message, and each node's heap allocation per delivered message
 * in the window ({@link NodeAllocation}: a figure that does not depend on the machine's speed).
 *
 * <p>{@code --server=nchan} runs the same scenarios against Nchan, the reference issue 17's targets
 * were derived from, so that they can be judged by ratio on whatever machine this runs: nginx with
 * one worker ({@link NchanConfig}), a plain websocket per channel, {@code POST /pub/<channel>}; (b)
 * is two nginx on one redis-server, subscribers on the first, publishes to the second. Its CPU is
 * the nginx processes' (and Redis's), read as the nodes' are.
 */
public final class PushBenchmark {

    /** The conditions of issue 17's comparison (an independent harness's, reproduced here). */
    private static final Map<String, String> ISSUE17 = Map.of(
            "sessions", "1000", "message-bytes", "64", "api-connections", "64", "concurrency", "64",
            "warmup", "50000", "messages", "200000", "node-jvm-args", "-Xmx1g");

    private final BenchServers servers;
    /** The GC log of each node started, by its process. */
    private final Map<ManagedProcess, GcLog> gcLogs = new LinkedHashMap<>();
    /** The heap allocation meter of each node started (none where attach is refused). */
    private final Map<ManagedProcess, NodeAllocation> allocations = new LinkedHashMap<>();

    private PushBenchmark(Map<String, String> flags) throws IOException {
        this.servers = new BenchServers(flags);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> given = BenchServers.flags(args);
        Map<String, String> preset = switch (given.getOrDefault("preset", "none")) {
            case "none" -> Map.of();
            case "issue17" -> ISSUE17;
            default -> throw new IllegalArgumentException("--preset takes issue17, not " + given.get("preset"));
        };
        Map<String, String> flags = new LinkedHashMap<>(preset);
        flags.putAll(given);
        PushBenchmark benchmark = new PushBenchmark(flags);
        System.out.println(BenchServers.machine());
        String scenario = flags.getOrDefault("scenario", "both");
        boolean nchan = switch (flags.getOrDefault("server", "node")) {
            case "node" -> false;
            case "nchan" -> true;
            default -> throw new IllegalArgumentException("--server takes node or nchan, not " + flags.get("server"));
        };
        if (scenario.equals("a") || scenario.equals("both")) {
            if (nchan) {
                benchmark.nchanOneServer();
            } else {
                benchmark.memoryOneNode();
            }
        }
        if (scenario.equals("b") || scenario.equals("both")) {
            if (nchan) {
                benchmark.nchanTwoServersOnRedis();
            } else {
                benchmark.redisTwoNodes();
            }
        }
    }

    private void nchanOneServer() throws Exception {
        BenchServers.Nchan nchan = servers.startNchan("a-nchan", null);
        try (ManagedProcess process = nchan.process()) {
            run("(a) Nchan, one nginx worker, memory store", List.of(process), null, 0, nchan.port(), nchan.port());
        }
    }

    private void nchanTwoServersOnRedis() throws Exception {
        BenchServers.Redis redis = servers.startRedis();
        try (ManagedProcess redisProcess = redis.process()) {
            BenchServers.Nchan receiving = servers.startNchan("b-nchan1", redis.url());
            try (ManagedProcess receivingProcess = receiving.process()) {
                BenchServers.Nchan publishing = servers.startNchan("b-nchan2", redis.url());
                try (ManagedProcess publishingProcess = publishing.process()) {
                    run("(b) two Nchan on Redis, subscribers on nginx 1, publishes to nginx 2",
                            List.of(receivingProcess, publishingProcess, redisProcess), "127.0.0.1", redis.port(),
                            receiving.port(), publishing.port());
                }
            }
        }
    }

    private void memoryOneNode() throws Exception {
        BenchServers.Node node = started(servers.startNode("a-node", null));
        try (ManagedProcess process = node.process()) {
            run("(a) one node, memory engine", List.of(process), null, 0, node.publicPort(), node.apiPort());
        }
    }

    private void redisTwoNodes() throws Exception {
        BenchServers.Redis redis = servers.startRedis();
        try (ManagedProcess redisProcess = redis.process()) {
            BenchServers.Node receiving = started(servers.startNode("b-node1", redis.url()));
            try (ManagedProcess receivingProcess = receiving.process()) {
                BenchServers.Node publishing = started(servers.startNode("b-node2", redis.url()));
                try (ManagedProcess publishingProcess = publishing.process()) {
                    run("(b) two nodes on Redis, sessions on node 1, publishes to node 2",
                            List.of(receivingProcess, publishingProcess, redisProcess), "127.0.0.1", redis.port(),
                            receiving.publicPort(), publishing.apiPort());
                }
            }
        }
    }

    private BenchServers.Node started(BenchServers.Node node) {
        gcLogs.put(node.process(), node.gcLog());
        NodeAllocation allocation = NodeAllocation.attach(node.process().pid());
        if (allocation != null) {
            allocations.put(node.process(), allocation);
        }
        return node;
    }

    private void run(String title, List<ManagedProcess> processes, String redisHost, int redisPort,
                     int publicPort, int apiPort) throws Exception {
        LoadOptions options = LoadOptions.parse(new String[] {
            "--url=http://127.0.0.1:" + publicPort,
            "--api-url=http://127.0.0.1:" + apiPort,
            "--app=" + BenchServers.SECRET,
            "--sessions=" + servers.flag("sessions", "1000"),
            "--transports=websocket:1",
            "--messages=" + servers.flag("messages", "200000"),
            "--warmup=" + servers.flag("warmup", "30000"),
            "--api-connections=" + servers.flag("api-connections", "32"),
            "--io-threads=" + servers.flag("io-threads", "1"),
            "--duration=" + servers.flag("duration", "5m"),
            "--concurrency=" + servers.flag("concurrency", "128"),
            "--batch=" + servers.flag("batch", "1"),
            "--rate=" + servers.flag("rate", "0"),
            "--message-bytes=" + servers.flag("message-bytes", "0"),
            "--grace=30s",
            "--target=" + (servers.flag("server", "node").equals("nchan") ? "nchan" : "sockjs")});
        long[] windowNanos = new long[2];
        Map<ManagedProcess, Long> wakeUpsBefore = new LinkedHashMap<>();
        Map<ManagedProcess, Long> wakeUpsAfter = new LinkedHashMap<>();
        Map<ManagedProcess, Duration> cpuBefore = new LinkedHashMap<>();
        Map<ManagedProcess, Duration> cpuAfter = new LinkedHashMap<>();
        Map<ManagedProcess, Duration[]> splitBefore = new LinkedHashMap<>();
        Map<ManagedProcess, Duration[]> splitAfter = new LinkedHashMap<>();
        Map<ManagedProcess, Duration> compilerBefore = new LinkedHashMap<>();
        Map<ManagedProcess, Duration> compilerAfter = new LinkedHashMap<>();
        Duration[] ownCpu = new Duration[2];
        long[] redisCommands = new long[2];
        java.util.List<Map<String, Long>> commandStats = new java.util.ArrayList<>(List.of(Map.of(), Map.of()));
        Map<ManagedProcess, Long> allocated = new LinkedHashMap<>();
        LoadGenerator generator = new LoadGenerator(options, System.err, new LoadGenerator.PhaseListener() {
            @Override
            public void publishing() {
                allocations.values().forEach(NodeAllocation::mark);
                ownCpu[0] = BenchServers.ownCpu();
                windowNanos[0] = System.nanoTime();
                processes.forEach(p -> cpuBefore.put(p, p.cpu()));
                processes.forEach(p -> splitBefore.put(p, p.userAndSystemCpu()));
                processes.forEach(p -> compilerBefore.put(p, p.compilerCpu()));
                processes.forEach(p -> wakeUpsBefore.put(p, p.wakeUps()));
                processes.stream().filter(gcLogs::containsKey).forEach(node -> gcLogs.get(node).mark());
                redisCommands[0] = BenchServers.redisCommands(redisHost, redisPort);
                commandStats.set(0, BenchServers.commandStats(redisHost, redisPort));
            }

            @Override
            public void settled() {
                ownCpu[1] = BenchServers.ownCpu();
                windowNanos[1] = System.nanoTime();
                processes.forEach(p -> cpuAfter.put(p, p.cpu()));
                processes.forEach(p -> splitAfter.put(p, p.userAndSystemCpu()));
                processes.forEach(p -> compilerAfter.put(p, p.compilerCpu()));
                processes.forEach(p -> wakeUpsAfter.put(p, p.wakeUps()));
                redisCommands[1] = BenchServers.redisCommands(redisHost, redisPort);
                commandStats.set(1, BenchServers.commandStats(redisHost, redisPort));
                allocations.forEach((node, allocation) -> allocated.put(node, allocation.sinceMark()));
            }
        });
        LoadResult result = generator.run();
        double cpuSeconds = 0;
        StringBuilder perProcess = new StringBuilder();
        for (ManagedProcess server : processes) {
            double seconds = (cpuAfter.get(server).toNanos() - cpuBefore.get(server).toNanos()) / 1e9;
            cpuSeconds += seconds;
            double system = (splitAfter.get(server)[1].toNanos() - splitBefore.get(server)[1].toNanos()) / 1e9;
            perProcess.append(String.format(Locale.ROOT, " %s=%.2fs (system %.2fs)", server.name(), seconds, system));
        }
        String batch = servers.flag("batch", "1");
        String rate = servers.flag("rate", "0");
        System.out.println("== " + title + " (" + (servers.flag("server", "node").equals("nchan") ? "1 worker per nginx"
                : servers.nodeIoThreads() + " event loop(s) per node")
                + (batch.equals("1") ? ", one socket per publish request" : ", batches of " + batch + " sockets")
                + (rate.equals("0") ? ", flat out" : ", " + rate + " msgs/s") + ")");
        System.out.println(result.toText());
        double windowSeconds = (windowNanos[1] - windowNanos[0]) / 1e9;
        System.out.printf(Locale.ROOT, "server CPU          %.2f s (%s) over %.2f s: %.1f%% of a core%n", cpuSeconds,
                perProcess.toString().trim(), windowSeconds, 100 * cpuSeconds / windowSeconds);
        System.out.printf(Locale.ROOT, "messages per CPU-s  %.0f%n", result.delivered() / cpuSeconds);
        double compilerSeconds = 0;
        for (ManagedProcess server : processes) {
            compilerSeconds += (compilerAfter.get(server).toNanos() - compilerBefore.get(server).toNanos()) / 1e9;
        }
        System.out.printf(Locale.ROOT, "of which JIT        %.2f s (compiler threads); without them %.0f msgs per CPU-s%n",
                compilerSeconds, result.delivered() / (cpuSeconds - compilerSeconds));
        StringBuilder wakeUps = new StringBuilder();
        for (ManagedProcess server : processes) {
            long before = wakeUpsBefore.get(server);
            long after = wakeUpsAfter.get(server);
            if (before >= 0 && after >= 0) {
                wakeUps.append(String.format(Locale.ROOT, " %s=%.2f", server.name(),
                        (after - before) / (double) Math.max(1, result.delivered())));
            }
        }
        System.out.println("wake-ups per message" + wakeUps + " (voluntary context switches, all threads)");
        processes.stream().filter(gcLogs::containsKey)
                .forEach(node -> System.out.println("GC " + node.name() + "  " + gcLogs.get(node).pausesSinceMark()));
        if (!allocated.isEmpty()) {
            StringBuilder perNode = new StringBuilder();
            allocated.forEach((node, bytes) -> perNode.append(String.format(Locale.ROOT, " %s=%s", node.name(),
                    bytes < 0 ? "?" : Long.toString(Math.round(bytes / (double) Math.max(1, result.delivered()))))));
            System.out.println("allocated" + perNode + " bytes per message (heap, all the node's threads, measured window)");
        }
        allocations.values().forEach(NodeAllocation::close);
        allocations.clear();
        System.out.printf(Locale.ROOT, "load generator CPU  %.2f s (this process, same window)%n",
                (ownCpu[1].toNanos() - ownCpu[0].toNanos()) / 1e9);
        if (redisHost != null) {
            System.out.printf(Locale.ROOT, "Redis commands      %d (%.3f per delivered message)%n",
                    redisCommands[1] - redisCommands[0],
                    (redisCommands[1] - redisCommands[0]) / (double) Math.max(1, result.delivered()));
            System.out.println("  per message by command:"
                    + BenchServers.perUnit(commandStats.get(0), commandStats.get(1), result.delivered()));
        }
        System.out.println();
    }

}

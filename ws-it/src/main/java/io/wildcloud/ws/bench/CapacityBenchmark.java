package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.LoadGenerator;
import io.wildcloud.ws.loadgen.LoadOptions;
import io.wildcloud.ws.loadgen.LoadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Idle capacity, what operators size a node by (issue 16; not a test: it prints figures). It starts a
 * fresh node (and on the Redis engine a redis-server), looks at its memory, opens {@code --sessions}
 * idle websocket sessions (one socket each), looks again, holds them idle for {@code --hold} while
 * metering Redis's and the node's CPU and Redis's commands, and then publishes one message to each
 * session, which must arrive exactly once. Per idle session it prints: live heap after a full GC,
 * Netty direct memory, RSS growth (once open, and after the hold), Redis memory and keys, Redis CPU and commands per second, and
 * the classes whose live bytes grew most.
 *
 * <p>One process holds at most ~19,500 sockets here (20,000 open files per process), so 19,000
 * sessions per run is this machine's most.
 */
public final class CapacityBenchmark {

    /** The JVM options the README recommends for a node. */
    static final String DEFAULT_NODE_JVM_ARGS = "-Xmx1g";

    private final Map<String, String> flags;
    private final BenchServers servers;
    private final int sessions;
    private final Duration hold;

    private CapacityBenchmark(Map<String, String> flags) throws IOException {
        // A work directory per run unless told: a loss is then laid beside its node log and Redis log
        // (one message reported lost once could not be, the runs having shared one).
        flags.putIfAbsent("work-dir", "target/bench/capacity-" + LocalDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        this.flags = flags;
        this.servers = new BenchServers(flags);
        this.sessions = Integer.parseInt(flags.getOrDefault("sessions", "19000"));
        this.hold = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("hold", "30")));
    }

    public static void main(String[] args) throws Exception {
        CapacityBenchmark benchmark = new CapacityBenchmark(BenchServers.flags(args));
        System.out.println(BenchServers.machine());
        String engine = benchmark.flags.getOrDefault("engine", "redis");
        switch (engine) {
            case "memory" -> benchmark.measure(null);
            case "redis" -> {
                try (BenchServers.RedisDeployment redis = new BenchServers.RedisDeployment(
                        List.of(benchmark.servers.startRedis()), false)) {
                    benchmark.measure(redis);
                }
            }
            case "redis-cluster" -> {
                try (BenchServers.RedisDeployment redis = benchmark.servers.startRedisCluster(
                        Integer.parseInt(benchmark.flags.getOrDefault("masters", "3")))) {
                    benchmark.measure(redis);
                }
            }
            default -> throw new IllegalArgumentException("--engine must be memory, redis or redis-cluster, not " + engine);
        }
        System.exit(0);
    }

    /**
     * Redis's memory, keys and CPU at one moment, summed over its servers (one, or a Cluster's
     * masters), with each server's own reading in {@code perServer}.
     */
    private record RedisSample(double usedMemory, long keys, double cpuSeconds, Map<String, Long> calls,
                               List<RedisSample> perServer) {
        static RedisSample of(BenchServers.RedisDeployment redis) {
            if (redis == null) {
                return new RedisSample(0, 0, 0, Map.of(), List.of());
            }
            List<RedisSample> servers = new ArrayList<>();
            for (BenchServers.Redis server : redis.servers()) {
                servers.add(of(server.port()));
            }
            Map<String, Long> calls = new java.util.TreeMap<>();
            servers.forEach(server -> server.calls().forEach((command, n) -> calls.merge(command, n, Long::sum)));
            return new RedisSample(servers.stream().mapToDouble(RedisSample::usedMemory).sum(),
                    servers.stream().mapToLong(RedisSample::keys).sum(),
                    servers.stream().mapToDouble(RedisSample::cpuSeconds).sum(), calls, servers);
        }

        private static RedisSample of(int port) {
            try {
                return new RedisSample(RedisStats.field("127.0.0.1", port, "memory", "used_memory"),
                        RedisStats.keys("127.0.0.1", port), RedisStats.cpuSeconds("127.0.0.1", port),
                        RedisStats.callsByCommand("127.0.0.1", port), List.of());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Redis INFO", e);
            }
        }
    }

    private void measure(BenchServers.RedisDeployment redis) throws Exception {
        String jvmArgs = flags.getOrDefault("node-jvm-args", DEFAULT_NODE_JVM_ARGS);
        try (BenchServers.Node node = servers.startNodeWith("capacity-node", redis == null ? null : redis.url(), jvmArgs,
                // All the sessions come from one client address here.
                "--max-connections-per-address=" + (sessions + 100))) {
            long pid = node.process().pid();
            RedisSample redisBefore = RedisSample.of(redis);
            NodeMemory before = NodeMemory.of(pid, node.apiPort(), servers.workDir().resolve("histogram-before.txt"));
            NodeMemory[] idle = new NodeMemory[1];
            RedisSample[] redisIdle = new RedisSample[2];
            double[] nodeCpu = new double[2];
            long[] rssOpen = new long[1];
            String[] loads = new String[2];
            LoadOptions options = LoadOptions.parse(new String[] {
                "--url=http://127.0.0.1:" + node.publicPort(),
                "--api-url=http://127.0.0.1:" + node.apiPort(),
                "--app=" + BenchServers.SECRET,
                "--sessions=" + sessions,
                "--transports=websocket:1",
                "--messages=" + sessions,
                "--concurrency=64",
                "--api-connections=4",
                "--duration=2m",
                "--grace=60s"});
            LoadResult result = new LoadGenerator(options, System.err, new LoadGenerator.PhaseListener() {
                @Override
                public void publishing() {
                    try {
                        awaitOpen(node.apiPort());
                        loads[0] = loadAverage();
                        rssOpen[0] = NodeMemory.rssBytes(pid);
                        redisIdle[0] = RedisSample.of(redis);
                        nodeCpu[0] = node.process().cpu().toNanos() / 1e9;
                        System.err.printf(Locale.ROOT, "holding %d idle sessions for %d s%n", sessions, hold.toSeconds());
                        Thread.sleep(hold.toMillis());
                        nodeCpu[1] = node.process().cpu().toNanos() / 1e9;
                        redisIdle[1] = RedisSample.of(redis);
                        loads[1] = loadAverage();
                        // Last: its histogram runs a full GC, which may give heap back to the system.
                        idle[0] = NodeMemory.of(pid, node.apiPort(), servers.workDir().resolve("histogram-idle.txt"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void settled() {
                }
            }).run();
            print(jvmArgs, redis, before, rssOpen[0], idle[0], redisBefore, redisIdle, nodeCpu, loads, result);
        }
    }

    /**
     * Waits (at most a minute) until every session is open: a session whose open failed in the
     * burst is opened again by its slot after a back-off.
     */
    private void awaitOpen(int apiPort) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (NodeMemory.openSessions(apiPort) < sessions && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    private void print(String jvmArgs, BenchServers.RedisDeployment redis, NodeMemory before, long rssOpen, NodeMemory idle,
                       RedisSample redisBefore,
                       RedisSample[] redisIdle, double[] nodeCpu, String[] loads, LoadResult result) {
        // Per session of those open when the node was looked at (all, unless some never opened).
        double n = idle.openSessions() - before.openSessions();
        double seconds = hold.toNanos() / 1e9;
        System.out.printf(Locale.ROOT, "== idle capacity: %d websocket sessions on one fresh node (%s), %s engine%n",
                sessions, jvmArgs, redis == null ? "memory" : redis.cluster()
                        ? "Redis Cluster (" + redis.servers().size() + " masters)" : "Redis");
        System.out.printf(Locale.ROOT, "sessions open       %.0f when measured (figures below are per open session)%n", n);
        System.out.printf(Locale.ROOT, "load average        %s (sessions open) / %s (after the hold)%n", loads[0], loads[1]);
        System.out.printf(Locale.ROOT, "node RSS, opened    %.1f MiB -> %.1f MiB: %.2f KiB per session%n",
                before.rssBytes() / 1048576.0, rssOpen / 1048576.0, (rssOpen - before.rssBytes()) / n / 1024);
        System.out.printf(Locale.ROOT, "node RSS, idle %2.0fs  %.1f MiB -> %.1f MiB: %.2f KiB per session%n", seconds,
                before.rssBytes() / 1048576.0, idle.rssBytes() / 1048576.0, (idle.rssBytes() - before.rssBytes()) / n / 1024);
        System.out.printf(Locale.ROOT, "live heap (full GC) %.1f MiB -> %.1f MiB: %.2f KiB per session%n",
                before.liveHeapBytes() / 1048576.0, idle.liveHeapBytes() / 1048576.0,
                (idle.liveHeapBytes() - before.liveHeapBytes()) / n / 1024);
        System.out.printf(Locale.ROOT, "Netty direct memory %.1f MiB -> %.1f MiB: %.2f KiB per session%n",
                before.directBytes() / 1048576.0, idle.directBytes() / 1048576.0,
                (idle.directBytes() - before.directBytes()) / n / 1024);
        System.out.printf(Locale.ROOT, "node CPU, idle      %.3f s over %.0f s: %.2f us per session per second%n",
                nodeCpu[1] - nodeCpu[0], seconds, (nodeCpu[1] - nodeCpu[0]) * 1e6 / n / seconds);
        if (redis != null) {
            RedisSample start = redisIdle[0];
            RedisSample end = redisIdle[1];
            System.out.printf(Locale.ROOT, "Redis memory        %.1f MiB -> %.1f MiB: %.0f bytes per session, %.2f keys per session%n",
                    redisBefore.usedMemory() / 1048576.0, start.usedMemory() / 1048576.0,
                    (start.usedMemory() - redisBefore.usedMemory()) / n, (start.keys() - redisBefore.keys()) / n);
            // The connect's own records (a claim's reply key, its claim journal entry) live up to
            // a minute or so: a hold longer than that shows what an idle session keeps.
            System.out.printf(Locale.ROOT, "Redis memory, idle  %.1f MiB -> %.1f MiB: %.0f bytes per session, %.2f keys per session (after the %.0f s hold)%n",
                    redisBefore.usedMemory() / 1048576.0, end.usedMemory() / 1048576.0,
                    (end.usedMemory() - redisBefore.usedMemory()) / n, (end.keys() - redisBefore.keys()) / n, seconds);
            System.out.printf(Locale.ROOT, "Redis CPU, idle     %.3f s over %.0f s: %.3f us per session per second%n",
                    end.cpuSeconds() - start.cpuSeconds(), seconds,
                    (end.cpuSeconds() - start.cpuSeconds()) * 1e6 / n / seconds);
            StringBuilder byCommand = new StringBuilder();
            end.calls().forEach((command, calls) -> {
                long delta = calls - start.calls().getOrDefault(command, 0L);
                if (delta > 0) {
                    byCommand.append(String.format(Locale.ROOT, " %s=%.5f", command, delta / n / seconds));
                }
            });
            System.out.println("Redis calls per session per second, idle:" + byCommand);
            if (redis.cluster()) {
                printSpread(redisBefore, end, start, n, seconds);
            }
        }
        System.out.println("live heap growth by class, bytes per session (largest first):");
        List<Map.Entry<String, long[]>> growth = new ArrayList<>();
        idle.histogram().forEach((name, counts) -> {
            long[] old = before.histogram().getOrDefault(name, new long[2]);
            growth.add(Map.entry(name, new long[] {counts[0] - old[0], counts[1] - old[1]}));
        });
        growth.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        growth.stream().limit(Integer.parseInt(flags.getOrDefault("top", "25"))).forEach(e -> System.out.printf(Locale.ROOT,
                "  %8.1f B  %6.2f instances  %s%n", e.getValue()[1] / n, e.getValue()[0] / n, e.getKey()));
        System.out.println("then one publish to each session:");
        System.out.println(result.toText());
        System.out.println("node log, Redis log and histograms in " + servers.workDir().toAbsolutePath());
    }

    /** How the idle sessions' memory, keys and CPU divide over a Cluster's masters. */
    private static void printSpread(RedisSample before, RedisSample end, RedisSample start, double n, double seconds) {
        double cpuInAll = end.cpuSeconds() - start.cpuSeconds();
        for (int i = 0; i < end.perServer().size(); i++) {
            RedisSample b = before.perServer().get(i);
            RedisSample s = start.perServer().get(i);
            RedisSample e = end.perServer().get(i);
            double cpu = e.cpuSeconds() - s.cpuSeconds();
            System.out.printf(Locale.ROOT, "Redis master %d, idle: %.0f bytes per session of all, %.1f%% of the keys, "
                            + "%.3f s CPU over %.0f s (%.1f%% of the masters'): %.3f us per session of all per second%n",
                    i + 1, (e.usedMemory() - b.usedMemory()) / n, 100.0 * (e.keys() - b.keys()) / Math.max(1, end.keys() - before.keys()),
                    cpu, seconds, 100 * cpu / Math.max(1e-9, cpuInAll), cpu * 1e6 / n / seconds);
        }
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}

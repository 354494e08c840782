package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.ApiClient;
import io.wildcloud.ws.loadgen.ClientLoops;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The connect benchmark of issue 16 (not a test: it prints figures). Sockets are authorized first
 * (not measured); then each round opens a new SockJS websocket session on every socket, at most
 * {@code --concurrency} opening at once, and ends them all before the next round:
 * <ul>
 *   <li>{@code --scenario=memory}: one node on the memory engine; the node's CPU per connect, the
 *       later rounds on a warm node;</li>
 *   <li>{@code --scenario=redis}: two nodes on one Redis, sessions on the first, sockets authorized
 *       on the second; connects per second, CPU per process and Redis commands per new session
 *       (INFO commandstats, commands inside scripts included).</li>
 * </ul>
 * The reconnect storm is {@link ReconnectStorm}.
 */
public final class ConnectBenchmark {

    private final BenchServers launcher;
    private final int sessions;
    private final int rounds;
    private final int concurrency;

    private ConnectBenchmark(BenchServers launcher) {
        this.launcher = launcher;
        this.sessions = launcher.intFlag("sessions", 5000);
        this.rounds = launcher.intFlag("rounds", 5);
        this.concurrency = launcher.intFlag("concurrency", 200);
    }

    public static void main(String[] args) throws Exception {
        BenchServers launcher = new BenchServers(BenchServers.flags(args));
        System.out.println(BenchServers.machine());
        ConnectBenchmark benchmark = new ConnectBenchmark(launcher);
        switch (launcher.flag("scenario", "memory")) {
            case "memory" -> benchmark.memory();
            case "redis" -> benchmark.redis();
            default -> throw new IllegalArgumentException("--scenario is memory or redis (the storm: ReconnectStorm)");
        }
    }

    private void memory() throws Exception {
        try (BenchServers.Node node = launcher.startNode("connect-node", null)) {
            rounds("one node, memory engine", node, node, List.of(node.process()), null);
        }
    }

    private void redis() throws Exception {
        try (BenchServers.Redis redis = launcher.startRedis("connect-redis");
             BenchServers.Node sessionsNode = launcher.startNode("connect-node1", redis.url());
             BenchServers.Node apiNode = launcher.startNode("connect-node2", redis.url())) {
            rounds("two nodes on Redis, sessions on node 1", sessionsNode, apiNode,
                    List.of(sessionsNode.process(), apiNode.process(), redis.process()), redis);
        }
    }

    private void rounds(String title, BenchServers.Node sessionsNode, BenchServers.Node apiNode,
            List<ManagedProcess> servers, BenchServers.Redis redis) throws Exception {
        List<String> sockets = authorize(apiNode.apiUrl(), sessions);
        WebSocketCrowd.Endpoints endpoints = WebSocketCrowd.Endpoints.roundRobin(List.of(sessionsNode.publicUrl()), sockets);
        System.out.printf(Locale.ROOT, "== %s: %d websocket sessions a round, at most %d opening at once%n",
                title, sessions, concurrency);
        try (ClientLoops loops = ClientLoops.create(1)) {
            for (int round = 1; round <= rounds; round++) {
                Map<ManagedProcess, Duration> cpuBefore = cpu(servers);
                Duration ownBefore = BenchServers.ownCpu();
                Map<String, Long> commandsBefore = redis == null ? Map.of() : RedisStats.callsByCommand("127.0.0.1", redis.port());
                long started = System.nanoTime();
                WebSocketCrowd crowd = new WebSocketCrowd(loops, sessions, concurrency, message -> { });
                crowd.openAll(endpoints);
                double seconds = (System.nanoTime() - started) / 1e9;
                Map<ManagedProcess, Duration> cpuAfter = cpu(servers);
                double ownSeconds = (BenchServers.ownCpu().toNanos() - ownBefore.toNanos()) / 1e9;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "round %d: %.0f connects/s (%.2f s), %d failed opens;", round, sessions / seconds, seconds,
                        crowd.failures()));
                for (ManagedProcess server : servers) {
                    double cpuSeconds = (cpuAfter.get(server).toNanos() - cpuBefore.get(server).toNanos()) / 1e9;
                    line.append(String.format(Locale.ROOT, " %s %.1f us/connect (%.0f%% of a core);", server.name(),
                            cpuSeconds * 1e6 / sessions, 100 * cpuSeconds / seconds));
                }
                line.append(String.format(Locale.ROOT, " load generator %.1f us/connect; %s", ownSeconds * 1e6 / sessions,
                        BenchServers.loadAverage()));
                System.out.println(line);
                if (redis != null) {
                    System.out.println("  Redis commands per new session:"
                            + perSession(commandsBefore, RedisStats.callsByCommand("127.0.0.1", redis.port())));
                }
                if (round == rounds && redis != null) {
                    System.out.println("  node 1's Redis commands since it started (ws.redis.command):");
                    redisTimings(metrics(sessionsNode)).forEach(timing -> System.out.println("    " + timing));
                }
                crowd.close();
                awaitNoSessions(sessionsNode);
            }
        }
    }

    /** Count and mean time of each {@code ws_redis_command_seconds} series, from Prometheus text. */
    static List<String> redisTimings(String metrics) {
        Map<String, double[]> byTags = new LinkedHashMap<>();
        for (String line : metrics.split("\n")) {
            boolean count = line.startsWith("ws_redis_command_seconds_count{");
            if (count || line.startsWith("ws_redis_command_seconds_sum{")) {
                String tags = line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1);
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                byTags.computeIfAbsent(tags, t -> new double[2])[count ? 0 : 1] = value;
            }
        }
        List<String> out = new ArrayList<>();
        byTags.forEach((tags, countAndSum) -> out.add(String.format(Locale.ROOT, "%s %.0f, mean %.2f ms", tags,
                countAndSum[0], countAndSum[0] == 0 ? 0 : 1000 * countAndSum[1] / countAndSum[0])));
        return out;
    }

    static String metrics(BenchServers.Node node) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(node.apiUrl().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String perSession(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> entry : after.entrySet()) {
            long delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            if (delta > 0 && !entry.getKey().equals("info")) {
                total += delta;
                out.append(String.format(Locale.ROOT, " %s=%.3f", entry.getKey(), delta / (double) sessions));
            }
        }
        return String.format(Locale.ROOT, " total %.3f:", total / (double) sessions) + out;
    }

    private static Map<ManagedProcess, Duration> cpu(List<ManagedProcess> servers) {
        Map<ManagedProcess, Duration> cpu = new LinkedHashMap<>();
        servers.forEach(server -> cpu.put(server, server.cpu()));
        return cpu;
    }

    /** Authorizes {@code count} clients (8 requests at a time); answers their socket ids in order. */
    static List<String> authorize(URI apiUrl, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ApiClient api = new ApiClient(http, List.of(apiUrl));
        String run = Long.toString(System.currentTimeMillis(), 36);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String clientId = "bench-" + run + "-" + i;
                answers.add(pool.submit(() -> api.authorize(BenchServers.SECRET, clientId, "http://127.0.0.1:9/cb")));
            }
            List<String> sockets = new ArrayList<>(count);
            for (Future<String> answer : answers) {
                sockets.add(answer.get());
            }
            return sockets;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits (up to a minute) until the node's {@code ws_sessions_open} gauges read zero. */
    static void awaitNoSessions(BenchServers.Node node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            if (openSessions(metrics(node)) == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("sessions still open on " + node.process().name() + " after a minute");
    }

    static long openSessions(String metrics) {
        long open = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("ws_sessions_open{")) {
                open += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return open;
    }
}

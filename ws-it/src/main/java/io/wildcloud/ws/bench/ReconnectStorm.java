package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.ClientLoops;
import io.wildcloud.ws.loadgen.HttpPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reconnect storm of issue 16 (not a test: it prints figures). Three nodes on one Redis;
 * {@code --sessions} websocket sessions (default 19,000: one process holds at most ~19,500
 * sockets) on the first, {@code --probes} more on the other two, which get publishes at
 * {@code --publish-rate} per second throughout. The first node is killed (SIGKILL); each of its
 * clients opens a new session (as sockjs-client does) on a surviving node, after a random wait of
 * up to {@code --jitter-ms} (0: at once). Prints the time until all are back, Redis's peak CPU (in
 * 250 ms windows), the surviving nodes' {@code /health/ready} answers that were not 200, and the
 * probes' publish-to-delivery latency before and during the storm.
 *
 * <p>Clients pick a surviving node in turn themselves, as DNS round robin or an L4 balancer would:
 * a proxying balancer holds two sockets per client and no process here may hold 38,000. The
 * CI-sized test ({@code it.cluster.ReconnectStormTest}) goes through the round-robin balancer.
 */
public final class ReconnectStorm {

    private static final long WINDOW_MILLIS = 250;

    private final BenchServers launcher;
    private final LatencyLog latencies = new LatencyLog();

    private ReconnectStorm(BenchServers launcher) {
        this.launcher = launcher;
    }

    public static void main(String[] args) throws Exception {
        BenchServers launcher = new BenchServers(BenchServers.flags(args));
        System.out.println(BenchServers.machine());
        new ReconnectStorm(launcher).run();
    }

    private void run() throws Exception {
        int sessions = launcher.intFlag("sessions", 19_000);
        int probes = launcher.intFlag("probes", 100);
        int publishRate = launcher.intFlag("publish-rate", 200);
        int jitterMillis = launcher.intFlag("jitter-ms", 0);
        try (BenchServers.Redis redis = launcher.startRedis("storm-redis");
             BenchServers.Node victim = launcher.startNode("storm-a", redis.url());
             BenchServers.Node second = launcher.startNode("storm-b", redis.url());
             BenchServers.Node third = launcher.startNode("storm-c", redis.url());
             ClientLoops loops = ClientLoops.create(1);
             HttpPublisher publisher = new HttpPublisher(loops, List.of(second.apiUrl(), third.apiUrl()), 4)) {
            List<BenchServers.Node> survivors = List.of(second, third);
            List<URI> survivorUrls = List.of(second.publicUrl(), third.publicUrl());
            List<String> sockets = ConnectBenchmark.authorize(second.apiUrl(), sessions);
            List<String> probeSockets = ConnectBenchmark.authorize(third.apiUrl(), probes);
            WebSocketCrowd probeCrowd = new WebSocketCrowd(loops, probes, 50, latencies::delivered);
            probeCrowd.openAll(WebSocketCrowd.Endpoints.roundRobin(survivorUrls, probeSockets));
            WebSocketCrowd crowd = new WebSocketCrowd(loops, sessions, launcher.intFlag("concurrency", 200), message -> { });
            long opening = System.nanoTime();
            crowd.openAll(WebSocketCrowd.Endpoints.roundRobin(List.of(victim.publicUrl()), sockets));
            System.out.printf(Locale.ROOT, "%d sessions open on storm-a in %.1f s, %d probes on storm-b and storm-c; %s%n",
                    sessions, (System.nanoTime() - opening) / 1e9, probes, BenchServers.loadAverage());
            publisher.connect();

            ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
            ExecutorService reopening = Executors.newSingleThreadExecutor();
            try {
                AtomicLong seq = new AtomicLong();
                long periodMicros = 1_000_000L / publishRate;
                ticker.scheduleAtFixedRate(() -> publisher.publish(
                        probeSockets.get((int) (seq.get() % probes)), seq.incrementAndGet()),
                        0, periodMicros, TimeUnit.MICROSECONDS);
                HealthWatch health = new HealthWatch(survivors);
                ticker.scheduleAtFixedRate(health::check, 0, 100, TimeUnit.MILLISECONDS);
                CpuPeak redisCpu = new CpuPeak(redis.process());
                ticker.scheduleAtFixedRate(redisCpu::sample, 0, WINDOW_MILLIS, TimeUnit.MILLISECONDS);
                TimeUnit.SECONDS.sleep(launcher.intFlag("calm-seconds", 10));
                LatencyLog.Summary calm = latencies.since(0);
                double calmRedisPeak = redisCpu.takePeak();

                AtomicInteger back = new AtomicInteger();
                long killedAt = System.nanoTime();
                for (int i = 0; i < sessions; i++) {
                    int slot = i;
                    // Reopened off the client's event loop: an open waits for its turn (WebSocketCrowd).
                    crowd.session(slot).closed().whenComplete((frame, error) -> CompletableFuture.delayedExecutor(
                            jitterMillis == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterMillis),
                            TimeUnit.MILLISECONDS, reopening).execute(() -> crowd.reopen(slot,
                                    WebSocketCrowd.Endpoints.roundRobin(survivorUrls, sockets), 500)
                            .thenRun(back::incrementAndGet)));
                }
                victim.process().kill();
                long deadline = killedAt + Duration.ofMinutes(5).toNanos();
                while (back.get() < sessions && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                double seconds = (System.nanoTime() - killedAt) / 1e9;
                TimeUnit.SECONDS.sleep(2);
                LatencyLog.Summary storm = latencies.since(killedAt);
                System.out.printf(Locale.ROOT, "== reconnect storm: storm-a (%d sessions) killed; reconnect jitter %s%n",
                        sessions, jitterMillis == 0 ? "none" : "up to " + jitterMillis + " ms");
                System.out.printf(Locale.ROOT, "back: %d of %d in %.2f s (%.0f new sessions/s), %d failed opens retried%n",
                        back.get(), sessions, seconds, back.get() / seconds, crowd.failures());
                System.out.printf(Locale.ROOT, "Redis CPU peak (%d ms windows): %.0f%% of a core in the storm, %.0f%% before%n",
                        WINDOW_MILLIS, 100 * redisCpu.takePeak(), 100 * calmRedisPeak);
                System.out.printf(Locale.ROOT, "survivors' /health/ready: %d checks, %d not 200%s%n", health.checks(),
                        health.refusals(), health.refusals() == 0 ? "" : " " + health.lastRefusal());
                System.out.println("publish-to-delivery before the kill: " + calm);
                System.out.println("publish-to-delivery from the kill until all were back (+2 s): " + storm);
                System.out.println(BenchServers.loadAverage());
            } finally {
                ticker.shutdownNow();
                reopening.shutdownNow();
                crowd.close();
                probeCrowd.close();
            }
        }
    }

    /** The survivors' {@code /health/ready} answers: how many, and those that were not 200. */
    static final class HealthWatch {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        private final List<BenchServers.Node> nodes;
        private final AtomicInteger checks = new AtomicInteger();
        private final AtomicInteger refusals = new AtomicInteger();
        private volatile String lastRefusal = "";

        HealthWatch(List<BenchServers.Node> nodes) {
            this.nodes = nodes;
        }

        void check() {
            for (BenchServers.Node node : nodes) {
                http.sendAsync(HttpRequest.newBuilder(node.apiUrl().resolve("/health/ready"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, error) -> {
                            checks.incrementAndGet();
                            if (error != null || response.statusCode() != 200) {
                                refusals.incrementAndGet();
                                lastRefusal = node.process().name() + ": "
                                        + (error != null ? error.toString() : response.statusCode() + " " + response.body());
                            }
                        });
            }
        }

        int checks() {
            return checks.get();
        }

        int refusals() {
            return refusals.get();
        }

        String lastRefusal() {
            return "(last: " + lastRefusal + ")";
        }
    }

    /** A process's highest CPU use over one sampling period, as a fraction of a core. */
    static final class CpuPeak {
        private final ManagedProcess process;
        private long lastNanos = System.nanoTime();
        private long lastCpu;
        private double peak;

        CpuPeak(ManagedProcess process) {
            this.process = process;
            this.lastCpu = process.cpu().toNanos();
        }

        synchronized void sample() {
            long now = System.nanoTime();
            long cpu = process.cpu().toNanos();
            peak = Math.max(peak, (cpu - lastCpu) / (double) (now - lastNanos));
            lastNanos = now;
            lastCpu = cpu;
        }

        synchronized double takePeak() {
            double was = peak;
            peak = 0;
            return was;
        }
    }

    /** Publish-to-delivery latencies of the probes, each with the time it was published. */
    private static final class LatencyLog {
        private final List<long[]> samples = new ArrayList<>();

        /** A probe got {@code <seq>:<nanos published>}. */
        void delivered(String message) {
            long now = System.nanoTime();
            long published = Long.parseLong(message.substring(message.indexOf(':') + 1));
            synchronized (this) {
                samples.add(new long[] {published, now - published});
            }
        }

        record Summary(int count, double p50, double p99, double max) {
            @Override
            public String toString() {
                return String.format(Locale.ROOT, "%d messages, p50 %.2f ms, p99 %.2f ms, max %.2f ms", count, p50, p99, max);
            }
        }

        /** Latencies of messages published at or after {@code fromNanos} (0: all). */
        synchronized Summary since(long fromNanos) {
            double[] ms = samples.stream().filter(s -> fromNanos == 0 || s[0] >= fromNanos)
                    .mapToDouble(s -> s[1] / 1e6).sorted().toArray();
            if (ms.length == 0) {
                return new Summary(0, 0, 0, 0);
            }
            return new Summary(ms.length, ms[ms.length / 2], ms[Math.min(ms.length - 1, (int) (ms.length * 0.99))],
                    ms[ms.length - 1]);
        }
    }
}

package io.wildcloud.ws.bench;

import io.wildcloud.ws.common.sockjs.SockJsFrame;
import io.wildcloud.ws.loadgen.ClientLoops;
import io.wildcloud.ws.loadgen.HttpPublisher;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A close storm (issue notes of the 100,000-session runs; not a test: it prints figures). Two nodes
 * on one Redis; {@code --sessions} websocket sessions (default 15,000) on the first, and
 * {@code --probes} more (default 200) on both in turn, which get publishes at
 * {@code --publish-rate} per second throughout. Then every client of the first crowd closes at
 * once, as a balancer restart does, and the run watches {@code --watch-seconds} more (default 75:
 * longer than a hold TTL, so that every renewal of the probes' holds comes due once). Prints Redis's
 * PING latency from a connection of its own, the nodes' {@code /health/ready} answers that were not
 * 200, the probes the nodes ended, the probes' messages lost, the time until the closed sessions'
 * keys were gone, Redis commands per closed session and Redis's peak CPU. {@code --node-args}
 * passes node settings, e.g. {@code --node-args=--redis-stall-bound=4s} (hold TTL 6 s, renewed
 * every 2 s), which shows in a run of seconds what the default 40 s bound shows at 100,000 sessions.
 */
public final class CloseStorm {

    private static final long WINDOW_MILLIS = 250;

    private final BenchServers launcher;

    private CloseStorm(BenchServers launcher) {
        this.launcher = launcher;
    }

    public static void main(String[] args) throws Exception {
        BenchServers launcher = new BenchServers(BenchServers.flags(args));
        System.out.println(BenchServers.machine());
        new CloseStorm(launcher).run();
    }

    private void run() throws Exception {
        int sessions = launcher.intFlag("sessions", 15_000);
        int probes = launcher.intFlag("probes", 200);
        int publishRate = launcher.intFlag("publish-rate", 200);
        int watchSeconds = launcher.intFlag("watch-seconds", 75);
        try (BenchServers.Redis redis = launcher.startRedis("close-redis");
             BenchServers.Node first = launcher.startNode("close-a", redis.url(), nodeArgs());
             BenchServers.Node second = launcher.startNode("close-b", redis.url(), nodeArgs());
             ClientLoops loops = ClientLoops.create(1);
             HttpPublisher publisher = new HttpPublisher(loops, List.of(first.apiUrl(), second.apiUrl()), 4)) {
            List<String> probeSockets = ConnectBenchmark.authorize(second.apiUrl(), probes);
            Map<Long, Boolean> received = new ConcurrentHashMap<>();
            WebSocketCrowd probeCrowd = new WebSocketCrowd(loops, probes, 50,
                    message -> received.put(Long.parseLong(message.substring(0, message.indexOf(':'))), true));
            probeCrowd.openAll(WebSocketCrowd.Endpoints.roundRobin(List.of(first.publicUrl(), second.publicUrl()),
                    probeSockets));
            List<String> sockets = ConnectBenchmark.authorize(first.apiUrl(), sessions);
            WebSocketCrowd crowd = new WebSocketCrowd(loops, sessions, launcher.intFlag("concurrency", 200), message -> { });
            long opening = System.nanoTime();
            crowd.openAll(WebSocketCrowd.Endpoints.roundRobin(List.of(first.publicUrl()), sockets));
            System.out.printf(Locale.ROOT, "%d sessions open on close-a in %.1f s, %d probes on close-a and close-b; %s%n",
                    sessions, (System.nanoTime() - opening) / 1e9, probes, BenchServers.loadAverage());
            publisher.connect();

            ScheduledExecutorService ticker = Executors.newScheduledThreadPool(3);
            PingWatch ping = new PingWatch(redis.port());
            Thread pinger = new Thread(ping, "redis-ping");
            pinger.setDaemon(true);
            try {
                Set<Long> published = ConcurrentHashMap.newKeySet();
                AtomicLong seq = new AtomicLong();
                AtomicLong refused = new AtomicLong();
                long periodMicros = 1_000_000L / publishRate;
                ticker.scheduleAtFixedRate(() -> {
                    long next = seq.incrementAndGet();
                    publisher.publish(probeSockets.get((int) (next % probes)), next).whenComplete((status, error) -> {
                        if (error == null && status == 200) {
                            published.add(next);
                        } else {
                            refused.incrementAndGet();
                        }
                    });
                }, 0, periodMicros, TimeUnit.MICROSECONDS);
                ReconnectStorm.HealthWatch health = new ReconnectStorm.HealthWatch(List.of(first, second));
                ticker.scheduleAtFixedRate(health::check, 0, 100, TimeUnit.MILLISECONDS);
                ReconnectStorm.CpuPeak redisCpu = new ReconnectStorm.CpuPeak(redis.process());
                ticker.scheduleAtFixedRate(redisCpu::sample, 0, WINDOW_MILLIS, TimeUnit.MILLISECONDS);
                pinger.start();
                TimeUnit.SECONDS.sleep(launcher.intFlag("calm-seconds", 5));
                double calmRedisPeak = redisCpu.takePeak();
                String calmPing = ping.takeSummary();
                long keysBefore = RedisStats.keys("127.0.0.1", redis.port());
                Map<String, Long> statsBefore = RedisStats.callsByCommand("127.0.0.1", redis.port());

                long closedAt = System.nanoTime();
                crowd.close();
                long keysGoneAt = 0;
                long deadline = closedAt + TimeUnit.SECONDS.toNanos(watchSeconds);
                long keysNow = keysBefore;
                while (System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(500);
                    if (keysGoneAt == 0) {
                        try {
                            keysNow = RedisStats.keys("127.0.0.1", redis.port());
                            // Each closed session leaves a key or two at most (its socket's own keys stay).
                            if (keysNow <= keysBefore - 2L * sessions) {
                                keysGoneAt = System.nanoTime();
                            }
                        } catch (java.io.IOException slow) {
                            // Redis too slow for INFO: try again.
                        }
                    }
                }
                Map<String, Long> statsAfter = RedisStats.callsByCommand("127.0.0.1", redis.port());
                ticker.shutdownNow();
                TimeUnit.SECONDS.sleep(3);
                int probesEnded = 0;
                Map<String, Integer> endings = new TreeMap<>();
                for (int i = 0; i < probes; i++) {
                    var closed = probeCrowd.session(i).closed();
                    if (closed.isDone()) {
                        probesEnded++;
                        SockJsFrame frame = closed.getNow(null);
                        endings.merge(frame == null ? "no frame" : frame.toString(), 1, Integer::sum);
                    }
                }
                long lost = published.stream().filter(s -> !received.containsKey(s)).count();
                System.out.printf(Locale.ROOT, "== close storm: %d sessions on close-a closed by their clients at once%n", sessions);
                System.out.printf(Locale.ROOT, "closed sessions' keys gone: %s (keys %d before the close, %d at the last look)%n",
                        keysGoneAt == 0 ? "not within the watch" : String.format(Locale.ROOT, "in %.1f s", (keysGoneAt - closedAt) / 1e9),
                        keysBefore, keysNow);
                System.out.println("Redis calls per closed session: " + BenchServers.perUnit(statsBefore, statsAfter, sessions));
                System.out.printf(Locale.ROOT, "Redis CPU peak (%d ms windows): %.0f%% of a core in the storm, %.0f%% before%n",
                        WINDOW_MILLIS, 100 * redisCpu.takePeak(), 100 * calmRedisPeak);
                System.out.println("Redis PING before the close: " + calmPing);
                System.out.println("Redis PING from the close on: " + ping.takeSummary());
                System.out.printf(Locale.ROOT, "nodes' /health/ready: %d checks, %d not 200%s%n", health.checks(),
                        health.refusals(), health.refusals() == 0 ? "" : " " + health.lastRefusal());
                System.out.printf(Locale.ROOT, "probes ended by the nodes: %d of %d %s%n", probesEnded, probes, endings);
                System.out.printf(Locale.ROOT, "probe messages: %d published (answered 200), %d lost, %d publishes not answered 200%n",
                        published.size(), lost, refused.get());
                System.out.println(BenchServers.loadAverage());
            } finally {
                ping.stop();
                ticker.shutdownNow();
                crowd.close();
                probeCrowd.close();
            }
        }
    }

    /** {@code --node-args="--a=1 --b=2"}: node settings of the run (e.g. a short {@code --redis-stall-bound}). */
    private String[] nodeArgs() {
        String args = launcher.flag("node-args", "").trim();
        return args.isEmpty() ? new String[0] : args.split(" +");
    }

    /** PINGs Redis every 50 ms on a connection of its own: the latency of each, summed up per phase. */
    private static final class PingWatch implements Runnable {
        private final int port;
        private final List<Long> micros = new ArrayList<>();
        private volatile boolean stopped;

        PingWatch(int port) {
            this.port = port;
        }

        @Override
        public void run() {
            byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] answer = new byte[7];
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                while (!stopped) {
                    long sent = System.nanoTime();
                    out.write(ping);
                    out.flush();
                    int read = 0;
                    while (read < answer.length) {
                        int n = in.read(answer, read, answer.length - read);
                        if (n < 0) {
                            return;
                        }
                        read += n;
                    }
                    synchronized (this) {
                        micros.add((System.nanoTime() - sent) / 1000);
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            } catch (Exception e) {
                if (!stopped) {
                    System.out.println("PING loop failed: " + e);
                }
            }
        }

        synchronized String takeSummary() {
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            micros.clear();
            if (sorted.length == 0) {
                return "no answers";
            }
            long over100ms = java.util.Arrays.stream(sorted).filter(m -> m > 100_000).count();
            return String.format(Locale.ROOT, "%d answers, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d over 100 ms",
                    sorted.length, sorted[sorted.length / 2] / 1e3,
                    sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e3,
                    sorted[sorted.length - 1] / 1e3, over100ms);
        }

        void stop() {
            stopped = true;
        }
    }
}

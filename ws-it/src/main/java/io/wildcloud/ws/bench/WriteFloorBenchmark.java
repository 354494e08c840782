package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.ClientLoops;
import io.wildcloud.ws.loadgen.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The floor under issue 17's batch target (not a test: it prints figures). What does the cheapest
 * server this machine can run spend to write a 64-byte SockJS message in a websocket frame to each
 * of 1,000 loopback connections, in batches of 100? It starts {@link WriteFloorServer} as a child
 * process on the node's JVM flags ({@code --server-jvm-args}, default {@code -Xmx1g} as issue 17's
 * node), opens {@code --sessions} (1,000) websockets and a control connection from this process (one
 * event loop), asks for {@code --warmup} messages (100,000), then meters the server's CPU (user and
 * system from {@code /proc}), its JIT threads' and this process's over {@code --messages} more
 * (400,000): the conditions of {@code PushBenchmark --preset=issue17 --scenario=a --batch=100
 * --warmup=100000 --messages=400000}, less everything the node does besides the writes.
 *
 * <p>Also: {@code --window} batches asked for and not yet delivered (10, as the load generator's 10
 * batch requests in flight), {@code --per-flush} frames to a connection before its one flush (1,
 * as in issue 17, where no two messages of a batch go to one session), {@code --frames=shared|fresh}
 * (see the server), {@code --transport=epoll|io_uring} (the server's), {@code --batch} (100),
 * {@code --message-bytes} (64).
 */
public final class WriteFloorBenchmark {

    /** What one run measured, over the measured messages only. */
    record Figures(long delivered, long expected, long offCount, double seconds, double userCpu, double systemCpu,
                   double compilerCpu, long wakeUps, double clientCpu) {

        double serverCpu() {
            return userCpu + systemCpu;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = BenchServers.flags(args);
        System.out.println(BenchServers.machine());
        Figures figures = run(flags);
        BenchServers servers = new BenchServers(flags);
        System.out.printf(Locale.ROOT, "== write floor: %s websockets, batches of %s, %s per flush, %s frames of %d bytes,"
                        + " window %s batches, one %s event loop%n", servers.flag("sessions", "1000"),
                servers.flag("batch", "100"), servers.flag("per-flush", "1"), servers.flag("frames", "shared"),
                WriteFloorServer.frame(servers.intFlag("message-bytes", 64)).length, servers.flag("window", "10"),
                servers.flag("transport", "epoll"));
        System.out.printf(Locale.ROOT, "delivered           %d of %d in %.2f s (%.0f msgs/s); %d websockets off their"
                + " due count%n", figures.delivered(), figures.expected(), figures.seconds(),
                figures.delivered() / figures.seconds(), figures.offCount());
        double cpu = figures.serverCpu();
        System.out.printf(Locale.ROOT, "server CPU          %.2f s (user %.2f, system %.2f) over %.2f s: %.1f%% of a core%n",
                cpu, figures.userCpu(), figures.systemCpu(), figures.seconds(), 100 * cpu / figures.seconds());
        System.out.printf(Locale.ROOT, "messages per CPU-s  %.0f (%.2f µs per message)%n", figures.delivered() / cpu,
                1e6 * cpu / figures.delivered());
        System.out.printf(Locale.ROOT, "of which JIT        %.2f s; without it %.0f msgs per CPU-s%n",
                figures.compilerCpu(), figures.delivered() / (cpu - figures.compilerCpu()));
        System.out.printf(Locale.ROOT, "wake-ups per message %.3f (server's voluntary context switches)%n",
                figures.wakeUps() / (double) Math.max(1, figures.delivered()));
        System.out.printf(Locale.ROOT, "client CPU          %.2f s (this process, same window)%n", figures.clientCpu());
        System.out.println(BenchServers.loadAverage());
    }

    /** Starts the server, runs the warm-up and the measured messages, stops the server. */
    static Figures run(Map<String, String> flags) throws IOException, InterruptedException {
        BenchServers servers = new BenchServers(flags);
        int sessions = servers.intFlag("sessions", 1000);
        int batch = servers.intFlag("batch", 100);
        int window = servers.intFlag("window", 10);
        int perFlush = servers.intFlag("per-flush", 1);
        long warmup = Long.parseLong(servers.flag("warmup", "100000"));
        long messages = Long.parseLong(servers.flag("messages", "400000"));
        if (sessions < 1 || window < 1 || batch < 1 || warmup < 0 || messages < batch || warmup % batch != 0
                || messages % batch != 0) {
            throw new IllegalArgumentException("--sessions, --window and --batch must be positive, --warmup and"
                    + " --messages multiples of --batch (" + batch + "), --messages at least one batch");
        }
        int frameLength = WriteFloorServer.frame(servers.intFlag("message-bytes", 64)).length;

        int port = LoopbackPorts.pick();
        List<String> command = new ArrayList<>(List.of(ManagedProcess.java()));
        command.addAll(List.of(servers.flag("server-jvm-args", "-Xmx1g").split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WriteFloorServer.class.getName(),
                "--port=" + port, "--batch=" + batch, "--per-flush=" + perFlush,
                "--frames=" + servers.flag("frames", "shared"), "--transport=" + servers.flag("transport", "epoll"),
                "--message-bytes=" + servers.flag("message-bytes", "64")));
        try (ManagedProcess server = ManagedProcess.start("write-floor", command, servers.workDir().resolve("write-floor.log"));
             ClientLoops loops = ClientLoops.create(1)) {
            server.awaitHttp(URI.create("http://127.0.0.1:" + port + "/health"), Duration.ofSeconds(60));
            WriteFloorClient client = new WriteFloorClient(frameLength, batch, window);
            client.open(loops, "127.0.0.1", port, sessions);
            deliver(client, warmup, batch);

            Duration ownBefore = BenchServers.ownCpu();
            Duration[] serverBefore = server.userAndSystemCpu();
            Duration compilerBefore = server.compilerCpu();
            long wakeUpsBefore = server.wakeUps();
            long started = System.nanoTime();
            long delivered = deliver(client, messages, batch);
            double seconds = (System.nanoTime() - started) / 1e9;
            Duration[] serverAfter = server.userAndSystemCpu();
            Duration compilerAfter = server.compilerCpu();
            long wakeUpsAfter = server.wakeUps();
            Duration ownAfter = BenchServers.ownCpu();

            // Round robin over the connections, one slot of --per-flush frames each: every
            // connection's due count is known, and one that got another shows a lost or stray frame.
            long[] frames = client.framesPerSession();
            client.close();
            long offCount = 0;
            long slots = (warmup + messages) / perFlush;
            for (int i = 0; i < frames.length; i++) {
                long due = (slots / sessions + (i < slots % sessions ? 1 : 0)) * perFlush;
                offCount += frames[i] == due ? 0 : 1;
            }
            return new Figures(delivered, messages, offCount, seconds, seconds(serverBefore[0], serverAfter[0]),
                    seconds(serverBefore[1], serverAfter[1]), seconds(compilerBefore, compilerAfter),
                    wakeUpsAfter - wakeUpsBefore, seconds(ownBefore, ownAfter));
        }
    }

    private static double seconds(Duration before, Duration after) {
        return (after.toNanos() - before.toNanos()) / 1e9;
    }

    /** Asks for {@code count} more messages; answers how many came, once all did or none for 30 s. */
    private static long deliver(WriteFloorClient client, long count, int batch) throws InterruptedException {
        long before = client.delivered();
        client.request(count / batch);
        long last = before;
        long lastMoved = System.nanoTime();
        while (true) {
            long now = client.delivered();
            if (now - before >= count) {
                return now - before;
            }
            if (now != last) {
                last = now;
                lastMoved = System.nanoTime();
            } else if (System.nanoTime() - lastMoved > TimeUnit.SECONDS.toNanos(30)) {
                return now - before;
            }
            Thread.sleep(5);
        }
    }
}
